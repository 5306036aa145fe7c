# Flux server image: `docker build -t flux .`
#
# Two stages: the build (the full Rust toolchain, cached dependency layer)
# and the runtime (Debian slim, the binary, CA certificates for the
# weather and SMTP services, and pg_dump for `flux db backup`). The server
# runs as an unprivileged user and needs an external PostgreSQL
# (DATABASE_URL): the private cluster is for single machines, not
# containers. See docs/deployment.md.

FROM rust:1-bookworm AS build
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the manifests change.
COPY Cargo.toml Cargo.lock ./
COPY crates crates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p flux \
    && install -D target/release/flux /out/flux

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-client \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/flux --create-home flux
COPY --from=build /out/flux /usr/local/bin/flux
USER 10001:10001
ENV FLUX_ADDR=0.0.0.0:8000 \
    FLUX_METRICS_ADDR=0.0.0.0:9464 \
    FLUX_DATA_DIR=/var/lib/flux \
    FLUX_LOG_FORMAT=json
EXPOSE 8000 9464
# SIGTERM drains requests and the running job within FLUX_SHUTDOWN_GRACE
# (default 30 s); give the container a little longer than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["flux"]
CMD ["serve"]
