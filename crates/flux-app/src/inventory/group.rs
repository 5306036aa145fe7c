//! The owner's group view: each restaurant where the user holds a role,
//! side by side over one period (sales, food cost, waste, unexplained
//! variance, labor).
//!
//! Tenancy stays per restaurant: the list comes from the user's own
//! memberships, and each restaurant's figures are read in a tenant
//! transaction of its own (opened here, which is why this use case takes
//! the pool), so row-level security checks every one of them. A
//! restaurant the user does not belong to can never appear.

use chrono::NaiveDate;
use flux_domain::role::Role;
use flux_store::PgPool;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::costing::Kitchen;
use crate::inventory::{variance, waste, Result};
use crate::labor::Caller;

/// The most restaurants one request reads.
pub const MAX_SITES: usize = 100;

/// One restaurant's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Site {
    pub restaurant_id: Uuid,
    pub name: String,
    /// The user's role there.
    #[schema(value_type = String, example = "owner")]
    pub role: Role,
    #[schema(value_type = String)]
    pub sales: Decimal,
    /// Over the ingredients counted at both ends (`None`: none counted).
    #[schema(value_type = Option<String>)]
    pub actual_food_cost_pct: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub theoretical_food_cost_pct: Option<Decimal>,
    pub counted_ingredients: usize,
    #[schema(value_type = String)]
    pub waste_value: Decimal,
    #[schema(value_type = Option<String>)]
    pub waste_pct: Option<Decimal>,
    #[schema(value_type = String)]
    pub unexplained_cost: Decimal,
    /// Gross pay of clocked time, for owners and managers (others see
    /// only their own pay, so no share is shown to them); `None` for a
    /// period over 62 days.
    #[schema(value_type = Option<String>)]
    pub labor_cost: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub labor_pct: Option<Decimal>,
}

/// Every restaurant of `user_id`, by name, over `[from, to]`.
pub async fn overview(
    pool: &PgPool,
    user_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Site>> {
    let (from, to) = crate::inventory::period(from, to)?;
    let mut tx = flux_store::tenant::begin_user(pool, user_id).await?;
    let mut mine = crate::restaurants::mine(&mut tx, user_id).await?;
    tx.commit().await?;
    mine.sort_by(|a, b| a.restaurant.name.cmp(&b.restaurant.name));
    mine.truncate(MAX_SITES);
    let mut out = Vec::new();
    for r in mine {
        let rid = r.restaurant.restaurant_id;
        let mut tx = flux_store::tenant::begin(pool, user_id, rid).await?;
        let kitchen = Kitchen::load(&mut tx, rid).await?;
        let v = variance::report(&mut tx, rid, &kitchen, from, to).await?;
        let w = waste::log(&mut tx, rid, &kitchen, from, to).await?;
        let caller = Caller {
            user_id,
            role: r.role,
        };
        let labor = if caller.manages() && (to - from).num_days() <= 62 {
            Some(crate::labor::clock::pay(&mut tx, rid, caller, from, to).await?)
        } else {
            None
        };
        tx.commit().await?;
        let t = v.report.totals;
        let labor_cost = labor.as_ref().map(|p| p.gross.normalize());
        let labor_pct = labor
            .as_ref()
            .and_then(|p| p.labor_share_of_sales)
            .and_then(|s| Decimal::from_f64(s * 100.0))
            .map(|d| d.round_dp(2));
        out.push(Site {
            restaurant_id: rid,
            name: r.restaurant.name,
            role: r.role,
            sales: t.revenue,
            actual_food_cost_pct: t.actual_food_cost_pct.map(|d| d.round_dp(2)),
            theoretical_food_cost_pct: t.theoretical_food_cost_pct.map(|d| d.round_dp(2)),
            counted_ingredients: t.counted_ingredients,
            waste_value: w.total_value.normalize(),
            waste_pct: w.waste_pct,
            unexplained_cost: t.unexplained_cost.round_dp(2),
            labor_cost,
            labor_pct,
        });
    }
    Ok(out)
}
