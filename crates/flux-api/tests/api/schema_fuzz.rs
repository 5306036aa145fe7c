//! Schema-driven testing: schemathesis generates requests for every
//! operation of the OpenAPI document (documented examples, boundary values,
//! random and stateful sequences, NUL bytes included) against a real server
//! with a logged-in owner of a real restaurant. No request may produce a
//! server error, and every response must be documented: its status code,
//! its content type and its body's schema. `.ci/run` installs schemathesis; the example count and the
//! time budget keep the run bounded.

use std::process::Command;

use crate::helpers::spawn_app;

/// Requests per operation and phase, and the run's time budget in seconds.
const MAX_EXAMPLES: &str = "8";
const MAX_SECONDS: &str = "120";

#[tokio::test]
async fn no_generated_request_gets_a_server_error() {
    let app = spawn_app().await;
    let owner = app.register("schema@example.com").await;
    let restaurant = app.create_restaurant(&owner, "Schema Bistro").await;
    let dir = tempfile::tempdir().expect("temp dir");
    // Operations take the owner's real restaurant, so they get past the
    // tenant check instead of all answering 404.
    std::fs::write(
        dir.path().join("schemathesis.toml"),
        format!("[parameters]\n\"path.restaurant_id\" = \"{restaurant}\"\n"),
    )
    .expect("config");
    let schema = format!("{}/api/v1/openapi.json", app.base);
    let auth = format!("Authorization: Bearer {}", owner.access);
    let cwd = dir.path().to_path_buf();
    // Blocking wait on a worker thread, so this test's runtime keeps
    // serving the requests meanwhile.
    let out = tokio::task::spawn_blocking(move || {
        Command::new("schemathesis")
            .current_dir(cwd)
            .args(["run", &schema, "-H", &auth])
            .args([
                "--checks",
                "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
            ])
            .args(["--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS])
            .args(["--workers", "1", "--generation-allow-x00", "true"])
            // Logging out would end the session the run relies on.
            .args(["--exclude-path-regex", "/auth/(logout|revoke)"])
            .args(["--seed", "20261202"])
            .output()
    })
    .await
    .expect("join");
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            panic!("schemathesis could not run ({e}): install it with `pip install schemathesis`")
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("passed"), "no test case ran:\n{stdout}");
}
