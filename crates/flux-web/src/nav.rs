//! The sections of a restaurant's dashboard, in menu order.
//!
//! This is the one place a new area of the product (recipes, purchasing)
//! adds its navigation entry: append a [`NavEntry`] here and merge its
//! routes in `pages::routes`. The chrome renders whatever is
//! listed, highlighting the entry whose `key` the page passes as active.

/// One entry of the section menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavEntry {
    /// Stable identifier pages use to mark themselves active.
    pub key: &'static str,
    pub label: &'static str,
    /// Path below `/app/r/{restaurant_id}`; empty for the overview.
    pub path: &'static str,
}

pub const OVERVIEW: &str = "overview";
pub const FORECAST: &str = "forecast";
pub const UPLOADS: &str = "uploads";
pub const MENU: &str = "menu";
pub const RECIPES: &str = "recipes";
pub const INGREDIENTS: &str = "ingredients";
pub const PROFITABILITY: &str = "profitability";
pub const PURCHASING: &str = "purchasing";
pub const INVENTORY: &str = "inventory";
pub const LABOR: &str = "labor";
pub const HEALTH: &str = "health";
pub const SETTINGS: &str = "settings";

/// The section menu.
pub const ENTRIES: &[NavEntry] = &[
    NavEntry {
        key: OVERVIEW,
        label: "Sales",
        path: "",
    },
    NavEntry {
        key: FORECAST,
        label: "Forecast",
        path: "/forecast",
    },
    NavEntry {
        key: UPLOADS,
        label: "Uploads",
        path: "/uploads",
    },
    NavEntry {
        key: MENU,
        label: "Menu",
        path: "/menu",
    },
    NavEntry {
        key: RECIPES,
        label: "Recipes",
        path: "/recipes",
    },
    NavEntry {
        key: INGREDIENTS,
        label: "Ingredients",
        path: "/ingredients",
    },
    NavEntry {
        key: PROFITABILITY,
        label: "Profitability",
        path: "/profitability",
    },
    NavEntry {
        key: PURCHASING,
        label: "Purchasing",
        path: "/purchasing",
    },
    NavEntry {
        key: INVENTORY,
        label: "Inventory",
        path: "/inventory",
    },
    NavEntry {
        key: LABOR,
        label: "Schedule",
        path: "/labor",
    },
    NavEntry {
        key: HEALTH,
        label: "Data health",
        path: "/health",
    },
    NavEntry {
        key: SETTINGS,
        label: "Settings",
        path: "/settings",
    },
];

/// The URL of `path` inside restaurant `rid`.
pub fn href(rid: uuid::Uuid, path: &str) -> String {
    format!("/app/r/{rid}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = ENTRIES.iter().map(|e| e.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ENTRIES.len());
    }
}
