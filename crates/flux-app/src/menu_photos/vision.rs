//! The optional vision model: any OpenAI-compatible chat-completions
//! endpoint (a hosted model or a local server) asked to return the menu as
//! JSON matching a schema. Its answer is untrusted input: every field is
//! validated and bounded like a person's, and an answer that does not
//! parse is an error, never a half-read menu.

use std::time::Duration;

use base64::Engine as _;
use flux_menuscan::{ScannedItem, Variant};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;

/// Where the model is and how to call it.
#[derive(Debug, Clone)]
pub struct VisionModel {
    /// Base URL of the API, such as `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub timeout: Duration,
}

impl VisionModel {
    pub fn new(base_url: &str, api_key: Option<String>, model: &str) -> Self {
        VisionModel {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            model: model.to_string(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Why the model's answer could not be used.
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    #[error("the vision model did not answer within {0} s")]
    Timeout(u64),
    #[error("the vision model could not be reached: {0}")]
    Unreachable(String),
    #[error("the vision model answered HTTP {0}")]
    Status(u16),
    #[error("the vision model's answer is not the menu JSON asked for: {0}")]
    Malformed(String),
}

const PROMPT: &str = "You read restaurant menus. Return every dish on the pages with its \
section header as category (null when none), its name exactly as printed, its description \
(null when none), every printed price with its label (such as small, large, glass, bottle; \
null when unlabelled) and your confidence from 0 to 1. Do not invent dishes or prices.";

fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "category", "description", "prices", "confidence"],
                    "properties": {
                        "name": {"type": "string"},
                        "category": {"type": ["string", "null"]},
                        "description": {"type": ["string", "null"]},
                        "prices": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": false,
                                "required": ["label", "price"],
                                "properties": {
                                    "label": {"type": ["string", "null"]},
                                    "price": {"type": "number"}
                                }
                            }
                        },
                        "confidence": {"type": "number"}
                    }
                }
            }
        }
    })
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    items: Vec<AnswerItem>,
}

#[derive(Deserialize)]
struct AnswerItem {
    name: String,
    category: Option<String>,
    description: Option<String>,
    #[serde(default)]
    prices: Vec<AnswerPrice>,
    confidence: Option<f64>,
}

#[derive(Deserialize)]
struct AnswerPrice {
    label: Option<String>,
    price: f64,
}

const MAX_ITEMS: usize = 1000;

/// Text from the model, cleaned as a person's would be: no control
/// characters, spacing collapsed, bounded length; empty is none.
fn clean(s: Option<&str>, max: usize) -> Option<String> {
    let s: String = s?
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let s: String = s.chars().take(max).collect();
    (!s.is_empty()).then_some(s)
}

fn price_of(p: f64) -> Option<Decimal> {
    if !p.is_finite() || p <= 0.0 || p > 100_000.0 {
        return None;
    }
    Decimal::from_f64_retain(p).map(|d| d.round_dp(2))
}

/// Validates a model's answer into items; the page number is the caller's.
pub(crate) fn parse_answer(content: &str, page: u32) -> Result<Vec<ScannedItem>, VisionError> {
    let answer: Answer =
        serde_json::from_str(content).map_err(|e| VisionError::Malformed(e.to_string()))?;
    if answer.items.len() > MAX_ITEMS {
        return Err(VisionError::Malformed(format!(
            "{} items on one page (at most {MAX_ITEMS})",
            answer.items.len()
        )));
    }
    Ok(answer
        .items
        .into_iter()
        .filter_map(|it| {
            let name = clean(Some(&it.name), 200)?;
            let variants: Vec<Variant> = it
                .prices
                .iter()
                .take(6)
                .filter_map(|p| {
                    Some(Variant {
                        label: clean(p.label.as_deref(), 40),
                        price: price_of(p.price)?,
                    })
                })
                .collect();
            Some(ScannedItem {
                name,
                category: clean(it.category.as_deref(), 100),
                description: clean(it.description.as_deref(), 500),
                price: variants.first().map(|v| v.price),
                variants,
                confidence: it
                    .confidence
                    .filter(|c| c.is_finite())
                    .unwrap_or(0.8)
                    .clamp(0.0, 1.0),
                page,
                row: None,
            })
        })
        .collect())
}

/// Asks the model for the dishes of each page (one request per page, so a
/// long menu does not exceed the model's image limits).
pub async fn read_pages<'a>(
    model: &VisionModel,
    pages: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<ScannedItem>, VisionError> {
    let client = reqwest::Client::builder()
        .timeout(model.timeout)
        .build()
        .map_err(|e| VisionError::Unreachable(e.to_string()))?;
    let mut items = Vec::new();
    for (i, png) in pages.enumerate() {
        let image = base64::engine::general_purpose::STANDARD.encode(png);
        let body = json!({
            "model": model.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": PROMPT},
                {"role": "user", "content": [
                    {"type": "text", "text": "Extract the menu on this page."},
                    {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{image}")}}
                ]}
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "menu", "strict": true, "schema": schema()}
            }
        });
        let mut request = client
            .post(format!("{}/chat/completions", model.base_url))
            .json(&body);
        if let Some(key) = &model.api_key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                VisionError::Timeout(model.timeout.as_secs())
            } else {
                VisionError::Unreachable(e.to_string())
            }
        })?;
        if !response.status().is_success() {
            return Err(VisionError::Status(response.status().as_u16()));
        }
        let completion: Completion = response.json().await.map_err(|e| {
            if e.is_timeout() {
                VisionError::Timeout(model.timeout.as_secs())
            } else {
                VisionError::Malformed(e.to_string())
            }
        })?;
        let content = completion
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .ok_or_else(|| VisionError::Malformed("no message in the answer".into()))?;
        items.extend(parse_answer(&content, i as u32 + 1)?);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_validated_like_user_input() {
        let content = r#"{"items": [
            {"name": "  Caesar\u0007 Salad ", "category": "Starters", "description": null,
             "prices": [{"label": null, "price": 12.5}], "confidence": 0.93},
            {"name": "", "category": null, "description": null, "prices": [], "confidence": 1},
            {"name": "Wine", "category": "", "description": "red",
             "prices": [{"label": "glass", "price": 6}, {"label": "bottle", "price": -3}],
             "confidence": 7}
        ]}"#;
        let items = parse_answer(content, 1).expect("valid");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "Caesar Salad");
        assert_eq!(items[0].price, Some(Decimal::new(125, 1)));
        assert_eq!(items[1].category, None);
        assert_eq!(items[1].variants.len(), 1, "a negative price is dropped");
        assert!((items[1].confidence - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn prose_instead_of_json_is_malformed() {
        assert!(matches!(
            parse_answer("Here is the menu: Caesar salad 12.50", 1),
            Err(VisionError::Malformed(_))
        ));
    }
}
