//! Allergens: the fourteen of EU regulation 1169/2011 (Annex II) and the
//! nine major food allergens of US law (FALCPA and the FASTER Act), tagged
//! per ingredient and rolled up through sub-recipes to each dish.
//!
//! The two lists overlap: the US "crustacean shellfish", "tree nuts" and
//! "soybeans" are the EU's crustaceans, nuts and soya. The one US entry
//! the EU list lacks is wheat, which the EU covers as a cereal containing
//! gluten; so an ingredient tagged wheat also declares gluten, and a dish
//! is never shown wheat without gluten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::book::RecipeBook;
use crate::error::CostingError;

/// One declarable allergen. Stored and sent as its snake-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Allergen {
    /// Cereals containing gluten: wheat, rye, barley, oats, spelt, kamut.
    Gluten,
    Crustaceans,
    Eggs,
    Fish,
    Peanuts,
    Soy,
    Milk,
    /// Tree nuts: almonds, hazelnuts, walnuts, cashews, pecans, Brazil
    /// nuts, pistachios, macadamias.
    TreeNuts,
    Celery,
    Mustard,
    Sesame,
    /// Sulphur dioxide and sulphites above 10 mg/kg or 10 mg/l.
    Sulphites,
    Lupin,
    Molluscs,
    /// A US major allergen in its own right; implies gluten.
    Wheat,
}

impl Allergen {
    pub const ALL: [Allergen; 15] = [
        Allergen::Gluten,
        Allergen::Crustaceans,
        Allergen::Eggs,
        Allergen::Fish,
        Allergen::Peanuts,
        Allergen::Soy,
        Allergen::Milk,
        Allergen::TreeNuts,
        Allergen::Celery,
        Allergen::Mustard,
        Allergen::Sesame,
        Allergen::Sulphites,
        Allergen::Lupin,
        Allergen::Molluscs,
        Allergen::Wheat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Allergen::Gluten => "gluten",
            Allergen::Crustaceans => "crustaceans",
            Allergen::Eggs => "eggs",
            Allergen::Fish => "fish",
            Allergen::Peanuts => "peanuts",
            Allergen::Soy => "soy",
            Allergen::Milk => "milk",
            Allergen::TreeNuts => "tree_nuts",
            Allergen::Celery => "celery",
            Allergen::Mustard => "mustard",
            Allergen::Sesame => "sesame",
            Allergen::Sulphites => "sulphites",
            Allergen::Lupin => "lupin",
            Allergen::Molluscs => "molluscs",
            Allergen::Wheat => "wheat",
        }
    }

    /// The name on a menu or an allergen sheet.
    pub fn label(self) -> &'static str {
        match self {
            Allergen::Gluten => "Cereals containing gluten",
            Allergen::Crustaceans => "Crustaceans",
            Allergen::Eggs => "Eggs",
            Allergen::Fish => "Fish",
            Allergen::Peanuts => "Peanuts",
            Allergen::Soy => "Soy",
            Allergen::Milk => "Milk",
            Allergen::TreeNuts => "Tree nuts",
            Allergen::Celery => "Celery",
            Allergen::Mustard => "Mustard",
            Allergen::Sesame => "Sesame",
            Allergen::Sulphites => "Sulphites",
            Allergen::Lupin => "Lupin",
            Allergen::Molluscs => "Molluscs",
            Allergen::Wheat => "Wheat",
        }
    }

    /// On the EU's list of fourteen.
    pub fn eu(self) -> bool {
        self != Allergen::Wheat
    }

    /// On the US list of nine major allergens.
    pub fn us(self) -> bool {
        matches!(
            self,
            Allergen::Milk
                | Allergen::Eggs
                | Allergen::Fish
                | Allergen::Crustaceans
                | Allergen::TreeNuts
                | Allergen::Peanuts
                | Allergen::Wheat
                | Allergen::Soy
                | Allergen::Sesame
        )
    }

    /// Reads a stored name, or the common ways people write one ("Soya",
    /// "sulfites", "crustacean shellfish", "Tree nuts").
    pub fn parse(input: &str) -> Option<Allergen> {
        let key: String = input
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        let key = key.trim_matches('_');
        Some(match key {
            "gluten" | "cereals_containing_gluten" | "cereals" => Allergen::Gluten,
            "crustaceans" | "crustacean" | "crustacean_shellfish" => Allergen::Crustaceans,
            "eggs" | "egg" => Allergen::Eggs,
            "fish" => Allergen::Fish,
            "peanuts" | "peanut" => Allergen::Peanuts,
            "soy" | "soya" | "soybeans" | "soybean" => Allergen::Soy,
            "milk" | "dairy" => Allergen::Milk,
            "tree_nuts" | "tree_nut" | "nuts" => Allergen::TreeNuts,
            "celery" => Allergen::Celery,
            "mustard" => Allergen::Mustard,
            "sesame" | "sesame_seeds" => Allergen::Sesame,
            "sulphites" | "sulfites" | "sulphur_dioxide" | "sulfur_dioxide" => Allergen::Sulphites,
            "lupin" | "lupine" => Allergen::Lupin,
            "molluscs" | "mollusks" | "mollusc" | "mollusk" => Allergen::Molluscs,
            "wheat" => Allergen::Wheat,
            _ => return None,
        })
    }
}

impl fmt::Display for Allergen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An ingredient's tags with what they imply added (wheat → gluten).
pub fn declared(tags: impl IntoIterator<Item = Allergen>) -> BTreeSet<Allergen> {
    let mut set: BTreeSet<Allergen> = tags.into_iter().collect();
    if set.contains(&Allergen::Wheat) {
        set.insert(Allergen::Gluten);
    }
    set
}

/// A dish's allergens, each with where it comes from ("Béchamel › Milk").
pub type Rollup = BTreeMap<Allergen, BTreeSet<String>>;

/// What a change of recipe does to a dish's allergens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AllergenChange {
    pub added: Vec<Allergen>,
    pub removed: Vec<Allergen>,
}

impl AllergenChange {
    pub fn between(before: &Rollup, after: &Rollup) -> Self {
        AllergenChange {
            added: after
                .keys()
                .filter(|a| !before.contains_key(a))
                .copied()
                .collect(),
            removed: before
                .keys()
                .filter(|a| !after.contains_key(a))
                .copied()
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

impl RecipeBook {
    /// The allergens of `recipe` through all its sub-recipes, given each
    /// ingredient's tags by ingredient name (any spelling the book
    /// accepts). Ingredients without tags contribute none.
    pub fn allergens(
        &self,
        recipe: &str,
        tags: &BTreeMap<String, BTreeSet<Allergen>>,
    ) -> Result<Rollup, CostingError> {
        let by_key: BTreeMap<String, BTreeSet<Allergen>> = tags
            .iter()
            .map(|(name, set)| (crate::name::key_of(name), declared(set.iter().copied())))
            .collect();
        let mut out = Rollup::new();
        for flat in self.flatten(recipe, rust_decimal::Decimal::ONE)? {
            let Some(set) = by_key.get(&flat.ingredient.name().key()) else {
                continue;
            };
            // The dish itself heads the path; sources read from the first
            // sub-recipe down to the ingredient.
            let source = flat
                .path
                .iter()
                .skip(1)
                .map(String::as_str)
                .chain([flat.ingredient.name().as_str()])
                .collect::<Vec<_>>()
                .join(" › ");
            for allergen in set {
                out.entry(*allergen).or_default().insert(source.clone());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allergen_reads_back_and_the_lists_have_their_sizes() {
        for a in Allergen::ALL {
            assert_eq!(Allergen::parse(a.as_str()), Some(a));
            assert_eq!(Allergen::parse(a.label()), Some(a), "{}", a.label());
        }
        assert_eq!(Allergen::ALL.iter().filter(|a| a.eu()).count(), 14);
        assert_eq!(Allergen::ALL.iter().filter(|a| a.us()).count(), 9);
        assert_eq!(Allergen::parse(" Soya "), Some(Allergen::Soy));
        assert_eq!(Allergen::parse("sulfites"), Some(Allergen::Sulphites));
        assert_eq!(
            Allergen::parse("Crustacean shellfish"),
            Some(Allergen::Crustaceans)
        );
        assert_eq!(Allergen::parse("pollen"), None);
    }

    #[test]
    fn a_dish_inherits_the_allergens_of_its_preps_with_their_path() {
        use crate::{Ingredient, IngredientSpec, Quantity, Recipe, Unit};
        use rust_decimal::Decimal;
        let ingredient = |n: &str| {
            Ingredient::new(IngredientSpec::new(n, Unit::Kilogram, Decimal::ONE))
                .expect("ingredient")
        };
        let book = RecipeBook::new(
            vec![ingredient("Milk"), ingredient("Flour"), ingredient("Salt")],
            vec![
                Recipe::prep(
                    "Bechamel",
                    Quantity::new(Decimal::ONE, Unit::Kilogram).expect("quantity"),
                )
                .ingredient("Milk", Decimal::ONE, Unit::Kilogram)
                .ingredient("Flour", Decimal::new(1, 1), Unit::Kilogram),
                Recipe::dish("Lasagne", 1)
                    .sub_recipe("Bechamel", Decimal::new(2, 1), Unit::Kilogram)
                    .ingredient("Salt", Decimal::new(1, 2), Unit::Kilogram),
            ],
        )
        .expect("book");
        let tags = BTreeMap::from([
            ("milk".to_owned(), BTreeSet::from([Allergen::Milk])),
            ("FLOUR".to_owned(), BTreeSet::from([Allergen::Wheat])),
            ("Salt".to_owned(), BTreeSet::new()),
        ]);
        let rollup = book.allergens("Lasagne", &tags).expect("rollup");
        assert_eq!(
            rollup.keys().copied().collect::<Vec<_>>(),
            [Allergen::Gluten, Allergen::Milk, Allergen::Wheat]
        );
        assert_eq!(
            rollup[&Allergen::Milk],
            BTreeSet::from(["Bechamel › Milk".to_owned()])
        );
        let before = book.allergens("Bechamel", &BTreeMap::new()).expect("none");
        let change = AllergenChange::between(&before, &rollup);
        assert_eq!(change.added.len(), 3);
        assert!(change.removed.is_empty());
    }

    #[test]
    fn wheat_declares_gluten() {
        let set = declared([Allergen::Wheat]);
        assert!(set.contains(&Allergen::Gluten));
        assert_eq!(declared([Allergen::Milk]).len(), 1);
    }
}
