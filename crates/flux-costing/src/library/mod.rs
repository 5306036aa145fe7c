//! A built-in library of typical recipes for common dishes, so a new
//! restaurant starts from a plausible recipe instead of an empty form.
//!
//! The data (`dishes.toml`, embedded at compile time) gives per-portion
//! quantities, typical waste factors, wholesale EUR prices and shelf lives.
//! [`suggest`] matches a dish name loosely (case, accents, word order,
//! plurals, small typos, other languages via aliases) and returns a
//! [`Suggestion`] that converts straight into ingredients and a recipe.

mod matching;

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::book::{InvalidBook, RecipeBook};
use crate::cogs::CostOptions;
use crate::error::CostingError;
use crate::ingredient::{Category, Ingredient, IngredientSpec};
use crate::money::Money;
use crate::recipe::Recipe;
use crate::units::Unit;
use crate::waste::WasteFactor;

const DATA: &str = include_str!("dishes.toml");

/// Below this similarity a name is considered unrelated. 0.6 accepts one
/// extra or missing word on a two-word name ("chicken caesar salad") but
/// not a single shared word on a three-word one.
const MIN_SCORE: f64 = 0.6;
/// The best a fuzzy (not exact) name match can score.
const EXACT_TIE_BREAK: f64 = 0.99;
/// A keyword hit ("carbonara" anywhere in the name) scores this.
const KEYWORD_SCORE: f64 = 0.75;

/// One ingredient line of a library dish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedLine {
    #[serde(rename = "ingredient")]
    pub ingredient: String,
    #[serde(rename = "qty")]
    pub quantity: Decimal,
    pub unit: Unit,
    #[serde(rename = "waste")]
    pub waste_factor: WasteFactor,
    /// Typical wholesale price in EUR per `cost_unit`.
    #[serde(rename = "cost")]
    pub unit_cost_eur: Decimal,
    #[serde(rename = "per")]
    pub cost_unit: Unit,
    #[serde(rename = "shelf")]
    pub shelf_life_days: u32,
    #[serde(rename = "cat")]
    pub category: Category,
}

/// A library dish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryDish {
    pub name: String,
    pub category: String,
    pub portions: Decimal,
    /// Typical menu price in EUR, for orientation only.
    #[serde(rename = "price")]
    pub typical_price_eur: Decimal,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub lines: Vec<SuggestedLine>,
}

#[derive(Deserialize)]
struct LibraryFile {
    dish: Vec<LibraryDish>,
}

/// A library dish matched to a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub dish: LibraryDish,
    /// The name, alias or keyword that matched.
    pub matched_on: String,
    /// Similarity in 0..=1; 1 is an exact (normalised) name or alias match.
    pub score: f64,
}

/// The whole library. Empty only if the embedded data failed to parse,
/// which the test suite rules out.
pub fn library() -> &'static [LibraryDish] {
    static LIBRARY: OnceLock<Vec<LibraryDish>> = OnceLock::new();
    LIBRARY.get_or_init(|| parse_library().unwrap_or_default())
}

fn parse_library() -> Result<Vec<LibraryDish>, toml::de::Error> {
    toml::from_str::<LibraryFile>(DATA).map(|f| f.dish)
}

/// The best library match for a dish name, if any is close enough.
pub fn suggest(dish_name: &str) -> Option<Suggestion> {
    suggestions(dish_name, 1).into_iter().next()
}

/// Up to `limit` library matches, best first.
pub fn suggestions(dish_name: &str, limit: usize) -> Vec<Suggestion> {
    let query = matching::tokens(dish_name);
    let normalised = matching::normalise(dish_name);
    let mut found: Vec<Suggestion> = library()
        .iter()
        .filter_map(|dish| score(dish, &normalised, &query))
        .collect();
    // Stable sort keeps library order among equal scores.
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found.truncate(limit);
    found
}

fn score(dish: &LibraryDish, normalised: &str, query: &[String]) -> Option<Suggestion> {
    let mut best = (f64::NEG_INFINITY, &dish.name);
    for name in std::iter::once(&dish.name).chain(&dish.aliases) {
        let s = if matching::normalise(name) == normalised {
            1.0
        } else {
            // A fuzzy match never ties an exact one: "Cava" must find the
            // dish named "Cava", not "Cana" one letter away.
            matching::phrase_score(query, &matching::tokens(name)).min(EXACT_TIE_BREAK)
        };
        if s > best.0 {
            best = (s, name);
        }
    }
    for keyword in &dish.keywords {
        if KEYWORD_SCORE > best.0 && matching::has_keyword(query, keyword) {
            best = (KEYWORD_SCORE, keyword);
        }
    }
    let (score, name) = best;
    (score >= MIN_SCORE).then(|| Suggestion {
        dish: dish.clone(),
        matched_on: name.clone(),
        score,
    })
}

impl Suggestion {
    /// The dish's ingredients as specs, ready to edit and store.
    pub fn ingredients(&self) -> Vec<IngredientSpec> {
        self.dish
            .lines
            .iter()
            .map(|line| IngredientSpec {
                category: line.category,
                waste_factor: line.waste_factor.value(),
                shelf_life_days: Some(line.shelf_life_days),
                ..IngredientSpec::new(&line.ingredient, line.cost_unit, line.unit_cost_eur)
            })
            .collect()
    }

    /// The dish as a recipe, priced at the typical menu price.
    pub fn recipe(&self) -> Recipe {
        let recipe =
            Recipe::dish(&self.dish.name, self.dish.portions).priced(self.dish.typical_price_eur);
        self.dish.lines.iter().fold(recipe, |r, line| {
            r.ingredient(&line.ingredient, line.quantity, line.unit)
        })
    }

    /// A book holding just this dish, to cost it before anything is stored.
    pub fn book(&self) -> Result<RecipeBook, InvalidBook> {
        let mut problems = Vec::new();
        let mut ingredients = Vec::new();
        for spec in self.ingredients() {
            match Ingredient::new(spec) {
                Ok(i) => ingredients.push(i),
                Err(e) => problems.push(e),
            }
        }
        if !problems.is_empty() {
            return Err(InvalidBook { problems });
        }
        RecipeBook::new(ingredients, vec![self.recipe()])
    }

    /// Estimated food cost of one portion at typical prices.
    pub fn estimated_portion_cost(&self, include_waste: bool) -> Result<Money, CostingError> {
        let book = self.book()?;
        let options = CostOptions {
            include_waste,
            ..CostOptions::default()
        };
        book.cost_per_portion(&self.dish.name, &options)
    }
}

#[cfg(test)]
mod tests;
