//! Statuses the schema stores as text under a check constraint, read as
//! enums: code compares variants, never strings, and a stored value the
//! code does not know fails the query instead of passing as some default.

use flux_domain::restaurant::InvalidStored;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidStored;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or(InvalidStored { what: $what, value: s })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Where an upload stands.
    UploadStatus, "upload status" {
        /// Its lines count in the sales.
        Completed => "completed",
        /// Undone: its lines are gone (or passed to other uploads that held
        /// them); it stays in the history.
        Undone => "undone",
    }
);

text_enum!(
    /// How a forecast run ended.
    RunStatus, "forecast run status" {
        Completed => "completed",
        Failed => "failed",
    }
);

text_enum!(
    /// A level of a forecast run's hierarchy above the dishes.
    TotalLevel, "forecast total level" {
        /// The whole restaurant.
        Restaurant => "restaurant",
        /// One menu category.
        Category => "category",
    }
);

text_enum!(
    /// What a labor role's workload follows.
    LaborDriver, "labor driver" {
        /// Dishes and drinks sold (the kitchen, the bar).
        Items => "items",
        /// Guests or orders (the floor, the till).
        Covers => "covers",
    }
);

text_enum!(
    /// Where a time-off request stands.
    TimeOffStatus, "time-off status" {
        Pending => "pending",
        /// A manager approved it: the person is not scheduled then.
        Approved => "approved",
        Denied => "denied",
    }
);

text_enum!(
    /// How a shift came to be.
    ShiftSource, "shift source" {
        /// Made by the scheduler.
        Built => "built",
        /// Added or changed by a manager.
        Manual => "manual",
        /// Copied from an earlier week.
        Copied => "copied",
    }
);

text_enum!(
    /// How a time entry came to be.
    EntrySource, "time entry source" {
        /// Clocked in and out by the person.
        Clock => "clock",
        /// Entered or corrected by a manager.
        Manual => "manual",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_round_trips_and_unknown_text_is_an_error() {
        for s in UploadStatus::ALL {
            assert_eq!(UploadStatus::try_from(s.as_str().to_string()), Ok(*s));
        }
        assert_eq!(
            RunStatus::try_from("failed".to_string()),
            Ok(RunStatus::Failed)
        );
        assert!(UploadStatus::try_from("Completed".to_string()).is_err());
        assert_eq!(
            serde_json::to_value(UploadStatus::Undone).ok(),
            Some(serde_json::json!("undone"))
        );
    }
}

text_enum!(
    /// Why food was thrown away.
    WasteReason, "waste reason" {
        /// Went off before its date: storage, temperature.
        Spoiled => "spoiled",
        /// Past its use-by date.
        Expired => "expired",
        /// Made and not sold.
        OverProduction => "over_production",
        /// Peel, bones, offcuts beyond the recipe's yield.
        Trim => "trim",
        /// Dropped, burnt or spilt.
        Dropped => "dropped",
        /// Sent back by a guest.
        Returned => "returned",
        /// Eaten by the team.
        StaffMeal => "staff_meal",
        Other => "other",
    }
);

impl WasteReason {
    /// The name on the waste page.
    pub fn label(self) -> &'static str {
        match self {
            WasteReason::Spoiled => "Spoiled",
            WasteReason::Expired => "Expired",
            WasteReason::OverProduction => "Over-production",
            WasteReason::Trim => "Trim",
            WasteReason::Dropped => "Dropped or burnt",
            WasteReason::Returned => "Returned by guest",
            WasteReason::StaffMeal => "Staff meal",
            WasteReason::Other => "Other",
        }
    }
}

text_enum!(
    /// What a supplier document is.
    InvoiceKind, "invoice kind" {
        /// What the supplier billed.
        Invoice => "invoice",
        /// What the supplier takes back from an invoice.
        CreditNote => "credit_note",
    }
);

text_enum!(
    /// Why a supplier credits a line.
    CreditReason, "credit reason" {
        /// Billed, never delivered.
        Shortage => "shortage",
        /// Delivered and sent back: the goods leave stock.
        Return => "return",
        /// Billed above the agreed price.
        Price => "price",
        /// Arrived unusable and thrown away on arrival.
        Damaged => "damaged",
    }
);

text_enum!(
    /// Which way a transfer goes, seen from the restaurant holding the row.
    TransferDirection, "transfer direction" {
        Out => "out",
        In => "in",
    }
);

text_enum!(
    /// Where a stock transfer stands.
    TransferStatus, "transfer status" {
        /// Asked for by the receiving restaurant; nothing has moved.
        Requested => "requested",
        /// Sent: both restaurants' stock moved.
        Sent => "sent",
        Cancelled => "cancelled",
    }
);
