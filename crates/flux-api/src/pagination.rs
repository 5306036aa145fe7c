//! Keyset pagination: `limit` + an opaque `cursor` naming the last row seen.
//! Keyset (not offset) pages stay correct while rows are inserted and cost
//! the same on page 1,000 as on page 1.

use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{ApiError, Code};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::new(
                Code::InvalidQuery,
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<Option<T>, ApiError> {
        let Some(c) = &self.cursor else {
            return Ok(None);
        };
        let bad = || ApiError::new(Code::InvalidQuery, "cursor is not one this server issued");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(c.as_bytes())
            .map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map(Some).map_err(|_| bad())
    }
}

pub fn encode<T: Serialize>(position: &T) -> String {
    let json = serde_json::to_vec(position).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Trims a page fetched with `limit + 1` rows to `limit` and names the
/// cursor of the next page (the last row's key) when there was more.
pub fn trim<T, K: Serialize>(
    mut items: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = items.len() > limit;
    items.truncate(limit);
    let next = more
        .then(|| items.last().map(|t| encode(&key(t))))
        .flatten();
    (items, next)
}
