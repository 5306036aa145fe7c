//! E-mail addresses, normalised so one person cannot hold two accounts by
//! changing the case of their address.

use std::fmt;

use crate::Invalid;

/// A syntactically plausible, normalised (trimmed, lower-cased) address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Deliberately loose: one `@`, a non-empty local part, a dotted domain.
    /// Real validation is delivering mail; stricter regexes reject real people.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        let bad = || Invalid::one("email", "invalid_email", "is not a valid e-mail address");
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = value.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password policy: long enough to resist guessing, bounded so hashing a
/// hostile megabyte cannot be used to burn CPU.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < 8 {
        return Err(Invalid::one(
            "password",
            "too_short",
            "must be at least 8 characters",
        ));
    }
    if password.len() > 1024 {
        return Err(Invalid::one(
            "password",
            "too_long",
            "must be at most 1024 bytes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let e = Email::parse("  Chef@Restaurant.COM ").expect("valid");
        assert_eq!(e.as_str(), "chef@restaurant.com");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "chef",
            "chef@",
            "@x.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn password_policy_bounds_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("password123").is_ok());
        assert!(check_password(&"x".repeat(2000)).is_err());
    }
}
