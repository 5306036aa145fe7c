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
        let content = complete(model, &body).await?;
        items.extend(parse_answer(&content, i as u32 + 1)?);
    }
    Ok(items)
}

/// One ingredient line of a starter recipe a model proposed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdeaLine {
    pub ingredient: String,
    #[serde(with = "rust_decimal::serde::float")]
    #[schema(value_type = f64)]
    pub quantity: Decimal,
    /// A unit Flux knows (`g`, `ml`, `each`, ...).
    pub unit: String,
}

const RECIPE_PROMPT: &str = "You are a chef. For each dish, propose the ingredients of one \
portion with quantities in g, ml or each. Use plain ingredient names (\"romaine lettuce\", \
\"parmesan\"). Only dishes from the list; skip any you do not know.";

fn recipe_schema() -> serde_json::Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["dishes"],
        "properties": {"dishes": {"type": "array", "items": {
            "type": "object", "additionalProperties": false, "required": ["dish", "ingredients"],
            "properties": {
                "dish": {"type": "string"},
                "ingredients": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["ingredient", "quantity", "unit"],
                    "properties": {
                        "ingredient": {"type": "string"},
                        "quantity": {"type": "number"},
                        "unit": {"type": "string"}
                    }
                }}
            }
        }}}
    })
}

#[derive(Deserialize)]
struct RecipeAnswer {
    dishes: Vec<RecipeAnswerDish>,
}

#[derive(Deserialize)]
struct RecipeAnswerDish {
    dish: String,
    ingredients: Vec<RecipeAnswerLine>,
}

#[derive(Deserialize)]
struct RecipeAnswerLine {
    ingredient: String,
    quantity: f64,
    unit: String,
}

/// Validates a model's starter recipes: only dishes that were asked for,
/// known units, positive bounded quantities, at most 30 lines a dish.
pub(crate) fn parse_recipe_answer(
    content: &str,
    asked: &[String],
) -> Result<Vec<(String, Vec<IdeaLine>)>, VisionError> {
    let answer: RecipeAnswer =
        serde_json::from_str(content).map_err(|e| VisionError::Malformed(e.to_string()))?;
    let key = |s: &str| flux_domain::menu::name_key(s);
    Ok(answer
        .dishes
        .into_iter()
        .filter_map(|d| {
            let dish = asked.iter().find(|a| key(a) == key(&d.dish))?.clone();
            let lines: Vec<IdeaLine> = d
                .ingredients
                .into_iter()
                .take(30)
                .filter_map(|l| {
                    let unit = flux_costing::Unit::parse(l.unit.trim()).ok()?;
                    let quantity = price_of(l.quantity)?;
                    Some(IdeaLine {
                        ingredient: clean(Some(&l.ingredient), 100)?,
                        quantity,
                        unit: unit.symbol().to_string(),
                    })
                })
                .collect();
            (!lines.is_empty()).then_some((dish, lines))
        })
        .collect())
}

/// Asks the model for starter recipes of dishes the library does not know.
pub async fn propose_recipes(
    model: &VisionModel,
    dishes: &[String],
) -> Result<Vec<(String, Vec<IdeaLine>)>, VisionError> {
    if dishes.is_empty() {
        return Ok(Vec::new());
    }
    let body = json!({
        "model": model.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": RECIPE_PROMPT},
            {"role": "user", "content": dishes.join("\n")}
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "starter_recipes", "strict": true, "schema": recipe_schema()}
        }
    });
    let content = complete(model, &body).await?;
    parse_recipe_answer(&content, dishes)
}

/// One chat completion: the first message's content.
async fn complete(model: &VisionModel, body: &serde_json::Value) -> Result<String, VisionError> {
    let client = reqwest::Client::builder()
        .timeout(model.timeout)
        .build()
        .map_err(|e| VisionError::Unreachable(e.to_string()))?;
    let mut request = client
        .post(format!("{}/chat/completions", model.base_url))
        .json(body);
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
    completion
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .ok_or_else(|| VisionError::Malformed("no message in the answer".into()))
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
    fn recipe_ideas_are_only_for_dishes_asked_with_known_units() {
        let content = r#"{"dishes": [
            {"dish": "pulpo a la gallega", "ingredients": [
                {"ingredient": "Octopus", "quantity": 250, "unit": "g"},
                {"ingredient": "Paprika", "quantity": 2, "unit": "teaspoons of love"},
                {"ingredient": "Olive oil", "quantity": 15, "unit": "ml"}]},
            {"dish": "Something else", "ingredients": [
                {"ingredient": "Salt", "quantity": 1, "unit": "g"}]}
        ]}"#;
        let asked = vec!["Pulpo a la Gallega".to_string()];
        let got = parse_recipe_answer(content, &asked).expect("valid");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Pulpo a la Gallega");
        let names: Vec<_> = got[0].1.iter().map(|l| l.ingredient.as_str()).collect();
        assert_eq!(names, ["Octopus", "Olive oil"]);
    }

    #[test]
    fn prose_instead_of_json_is_malformed() {
        assert!(matches!(
            parse_answer("Here is the menu: Caesar salad 12.50", 1),
            Err(VisionError::Malformed(_))
        ));
    }
}
