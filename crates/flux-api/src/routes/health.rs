//! Liveness and readiness probes for load balancers and orchestrators.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Code};
use crate::extract::Json;
use crate::AppState;

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can serve requests: its database answers.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = crate::error::Problem)))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    // Bounded well below a load balancer's probe timeout: while the
    // database is down, acquiring a connection would otherwise wait the
    // pool's full acquire timeout.
    let probe = tokio::time::timeout(READY_TIMEOUT, sqlx::query("select 1").execute(&state.pool));
    match probe.await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            return Err(ApiError::new(
                Code::NotReady,
                "the database is not reachable",
            ));
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            return Err(ApiError::new(
                Code::NotReady,
                "the database did not answer in time",
            ));
        }
    }
    Ok(Json(Health { status: "ready" }))
}
