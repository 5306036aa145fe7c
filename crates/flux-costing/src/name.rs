//! Names of ingredients and recipes, and the keys they are looked up by.
//!
//! Recipes refer to ingredients and sub-recipes by name, typed by people, so
//! "Tomato Sauce", "tomato sauce" and "tomato  sauce " must be the same
//! thing. A [`Name`] keeps the spelling for display and derives a key for
//! lookups.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::CostingError;

/// Longest accepted name; longer input is almost certainly pasted garbage.
pub const MAX_NAME_LEN: usize = 200;

/// A trimmed, non-empty name of at most [`MAX_NAME_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub fn parse(input: &str) -> Result<Self, CostingError> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() || collapsed.chars().count() > MAX_NAME_LEN {
            return Err(CostingError::InvalidName {
                input: input.to_owned(),
            });
        }
        Ok(Name(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Case- and spacing-insensitive lookup key.
    pub fn key(&self) -> String {
        key_of(&self.0)
    }
}

/// The lookup key of any string, as [`Name::key`] computes it.
pub fn key_of(input: &str) -> String {
    input
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Name {
    type Error = CostingError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Name::parse(&value)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_keys_ignore_case_and_spacing() {
        let name = Name::parse("  Tomato   Sauce ").expect("valid");
        assert_eq!(name.as_str(), "Tomato Sauce");
        assert_eq!(name.key(), "tomato sauce");
        assert_eq!(key_of("TOMATO sauce"), name.key());
    }

    #[test]
    fn empty_and_overlong_names_are_rejected() {
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(MAX_NAME_LEN + 1)).is_err());
    }
}
