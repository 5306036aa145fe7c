//! Membership roles and what each may do. Kept as one table of capabilities
//! so "who can do what" is answered in one place.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's role in one restaurant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Chef,
    Manager,
    Owner,
}

/// Something a request wants to do inside a restaurant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read anything in the restaurant.
    Read,
    /// Create/update/delete operational data: menu, recipes, uploads, forecasts.
    WriteData,
    /// Change the restaurant's profile and opening hours.
    ManageRestaurant,
    /// Change settings and members.
    Administer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Chef, Role::Viewer];

    pub fn can(self, action: Action) -> bool {
        match action {
            Action::Read => true,
            Action::WriteData => self >= Role::Chef,
            Action::ManageRestaurant => self >= Role::Manager,
            Action::Administer => self == Role::Owner,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Chef => "chef",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the four roles.
#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?} (expected owner, manager, chef or viewer)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// For reading a stored role: a value that is not a role is an error.
impl TryFrom<String> for Role {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_only_read_and_only_owners_administer() {
        assert!(Role::Viewer.can(Action::Read));
        assert!(!Role::Viewer.can(Action::WriteData));
        assert!(Role::Chef.can(Action::WriteData));
        assert!(!Role::Chef.can(Action::ManageRestaurant));
        assert!(Role::Manager.can(Action::ManageRestaurant));
        assert!(!Role::Manager.can(Action::Administer));
        assert!(Role::Owner.can(Action::Administer));
    }

    #[test]
    fn round_trips_through_text() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().expect("parses"), r);
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
