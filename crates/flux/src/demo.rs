//! `flux demo`: a working Flux with a realistic restaurant in one command.
//!
//! Creates (once) a demo login and "La Boqueria Bites" with a year of
//! generated POS history — about 40 dishes in categories, a weekly pattern,
//! Spanish public holidays, promotions, dishes launched and dropped during
//! the year, slow intermittent sellers — imports it through the normal
//! import pipeline, forecasts it, and serves. Running it again reuses the
//! demo and only refreshes the forecast.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};
use uuid::Uuid;

use crate::config::Config;
use crate::serve;

pub const DEMO_EMAIL: &str = "demo@flux.example";
pub const DEMO_PASSWORD: &str = "flux-demo-password";
const DEMO_RESTAURANT: &str = "La Boqueria Bites";

/// A dish of the generated menu.
struct Dish {
    name: &'static str,
    category: &'static str,
    price: f64,
    /// Mean units on an average open day.
    rate: f64,
    /// Days before today the dish was launched / dropped (None: all year).
    launched_days_ago: Option<i64>,
    dropped_days_ago: Option<i64>,
}

const fn dish(name: &'static str, category: &'static str, price: f64, rate: f64) -> Dish {
    Dish {
        name,
        category,
        price,
        rate,
        launched_days_ago: None,
        dropped_days_ago: None,
    }
}

fn menu() -> Vec<Dish> {
    let mut m = vec![
        dish("Patatas Bravas", "Tapas", 6.5, 38.0),
        dish("Croquetas de Jamón", "Tapas", 8.0, 30.0),
        dish("Pan con Tomate", "Tapas", 4.5, 42.0),
        dish("Pimientos de Padrón", "Tapas", 7.0, 18.0),
        dish("Gambas al Ajillo", "Tapas", 12.5, 16.0),
        dish("Tortilla Española", "Tapas", 7.5, 24.0),
        dish("Chorizo a la Sidra", "Tapas", 8.5, 9.0),
        dish("Boquerones en Vinagre", "Tapas", 7.0, 6.0),
        dish("Calamares a la Romana", "Tapas", 10.5, 14.0),
        dish("Jamón Ibérico", "Tapas", 19.0, 8.0),
        dish("Ensalada César", "Salads", 11.0, 12.0),
        dish("Ensalada Mixta", "Salads", 9.0, 7.0),
        dish("Burrata con Tomate", "Salads", 13.5, 6.0),
        dish("Gazpacho", "Starters", 7.5, 10.0),
        dish("Sopa de Pescado", "Starters", 9.5, 3.0),
        dish("Paella Valenciana", "Mains", 18.0, 14.0),
        dish("Paella de Marisco", "Mains", 21.0, 11.0),
        dish("Arroz Negro", "Mains", 19.0, 6.0),
        dish("Pulpo a la Gallega", "Mains", 22.0, 9.0),
        dish("Secreto Ibérico", "Mains", 20.0, 8.0),
        dish("Entrecot", "Mains", 26.0, 7.0),
        dish("Bacalao al Pil Pil", "Mains", 23.0, 4.0),
        dish("Merluza a la Plancha", "Mains", 19.5, 5.0),
        dish("Hamburguesa de Wagyu", "Mains", 17.0, 10.0),
        dish("Crema Catalana", "Desserts", 6.0, 15.0),
        dish("Tarta de Queso", "Desserts", 6.5, 17.0),
        dish("Churros con Chocolate", "Desserts", 5.5, 13.0),
        dish("Flan Casero", "Desserts", 5.0, 5.0),
        dish("Helado Artesano", "Desserts", 4.5, 0.6),
        dish("Caña", "Drinks", 2.8, 70.0),
        dish("Copa de Vino Tinto", "Drinks", 4.0, 35.0),
        dish("Copa de Cava", "Drinks", 4.5, 12.0),
        dish("Sangría (jarra)", "Drinks", 16.0, 9.0),
        dish("Tinto de Verano", "Drinks", 4.0, 14.0),
        dish("Agua Mineral", "Drinks", 2.5, 40.0),
        dish("Café Solo", "Drinks", 1.8, 28.0),
        dish("Vermut", "Drinks", 3.5, 0.5),
    ];
    m.push(Dish {
        launched_days_ago: Some(45),
        ..dish("Tataki de Atún", "Mains", 21.0, 8.0)
    });
    m.push(Dish {
        launched_days_ago: Some(20),
        ..dish("Coca de Verduras", "Tapas", 8.0, 11.0)
    });
    m.push(Dish {
        dropped_days_ago: Some(90),
        ..dish("Salmorejo", "Starters", 7.0, 9.0)
    });
    m.push(Dish {
        dropped_days_ago: Some(150),
        ..dish("Fideuà", "Mains", 17.5, 6.0)
    });
    m
}

/// Relative demand by weekday (Monday first; Monday is closed).
const WEEKDAY: [f64; 7] = [0.0, 0.75, 0.85, 0.95, 1.35, 1.6, 1.2];

/// Writes a year of transaction-level sales (one line per order and dish).
fn generate(path: &std::path::Path, today: NaiveDate) -> anyhow::Result<usize> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let dishes = menu();
    let start = today - Duration::days(365);
    let holidays: std::collections::HashSet<NaiveDate> = [start.year(), today.year()]
        .into_iter()
        .flat_map(|y| flux_forecast::calendar::public_holidays(flux_forecast::Country::Es, y))
        .map(|h| h.date)
        .collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        f,
        "order_id,timestamp,item,category,quantity,unit_price,promo"
    )?;
    let mut lines = 0usize;
    let mut order = 100_000u64;
    for offset in 0..365 {
        let day = start + Duration::days(offset);
        let dow = day.weekday().num_days_from_monday() as usize;
        if dow == 0 {
            continue; // closed on Mondays
        }
        let days_ago = (today - day).num_days();
        // A slow drift up over the year, a summer terrace bump and holidays.
        let season = 1.0
            + 0.15 * (offset as f64 / 365.0)
            + if (6..=8).contains(&day.month()) {
                0.2
            } else {
                0.0
            };
        let holiday = if holidays.contains(&day) { 1.35 } else { 1.0 };
        // Two-week promotion on one dish a month.
        let promo_dish = (day.month() as usize * 7) % dishes.len();
        let promo_on = day.day() <= 14;
        for (i, d) in dishes.iter().enumerate() {
            if d.launched_days_ago.is_some_and(|l| days_ago > l)
                || d.dropped_days_ago.is_some_and(|x| days_ago <= x)
            {
                continue;
            }
            let promo = promo_on && i == promo_dish;
            let lambda = d.rate * WEEKDAY[dow] * season * holiday * if promo { 1.4 } else { 1.0 };
            let units = Poisson::new(lambda.max(0.01))
                .map(|p| p.sample(&mut rng) as u64)
                .unwrap_or(0);
            let mut left = units;
            while left > 0 {
                let q = left.min(rng.gen_range(1..=3));
                left -= q;
                order += 1;
                let (h, m) = if rng.gen_bool(0.45) {
                    (13 + rng.gen_range(0..3), rng.gen_range(0..60))
                } else {
                    (20 + rng.gen_range(0..4), rng.gen_range(0..60))
                };
                let price = if promo { d.price * 0.85 } else { d.price };
                writeln!(
                    f,
                    "T{order},{day} {h:02}:{m:02}:00,{},{},{q},{price:.2},{}",
                    d.name,
                    d.category,
                    if promo { "yes" } else { "no" }
                )?;
                lines += 1;
            }
        }
    }
    f.flush()?;
    Ok(lines)
}

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let (db, pool) = serve::prepare(config).await?;
    let restaurant = ensure_demo(&pool).await?;
    println!();
    println!("Demo restaurant \"{DEMO_RESTAURANT}\" ({restaurant}) is ready.");
    println!(
        "Log in at http://{}/login with {DEMO_EMAIL} / {DEMO_PASSWORD}",
        config.addr
    );
    println!();
    serve::serve(config, db, pool).await
}

/// Creates the demo user, restaurant and history unless they exist, and
/// refreshes the forecast either way. Returns the restaurant id.
pub(crate) async fn ensure_demo(pool: &flux_store::PgPool) -> anyhow::Result<Uuid> {
    let user = match flux_app::accounts::user_id_by_email(pool, DEMO_EMAIL).await? {
        Some(u) => u,
        None => {
            flux_app::accounts::register(
                pool,
                &flux_app::accounts::tokens::TokenKeys::new(
                    &[0u8; 32],
                    std::time::Duration::from_secs(60),
                    std::time::Duration::from_secs(60),
                ),
                DEMO_EMAIL,
                DEMO_PASSWORD,
            )
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo user: {e}"))?;
            flux_app::accounts::user_id_by_email(pool, DEMO_EMAIL)
                .await?
                .context("demo user")?
        }
    };
    let mut tx = flux_store::tenant::begin_user(pool, user).await?;
    let existing = flux_app::restaurants::mine(&mut tx, user)
        .await?
        .into_iter()
        .find(|r| r.restaurant.name == DEMO_RESTAURANT);
    tx.commit().await?;
    let rid = match existing {
        Some(r) => {
            println!("reusing the demo restaurant");
            r.restaurant.restaurant_id
        }
        None => create_demo(pool, user).await?,
    };
    let confirmed = confirm_library_recipes(pool, user, rid).await?;
    if confirmed > 0 {
        println!("confirmed {confirmed} recipes from the built-in library");
    }
    if let Some(suppliers) = ensure_suppliers(pool, user, rid).await? {
        println!("added {suppliers} suppliers with offers and four weeks of counts, deliveries, invoices and waste");
    }
    let outcome = flux_app::forecasts::run(
        pool,
        rid,
        &flux_app::forecasts::RunOptions {
            model: flux_forecast::ModelKind::Production,
            horizon: None,
            as_of: None,
            trigger: flux_app::forecasts::Trigger::Cli,
            user_id: Some(user),
        },
    )
    .await?;
    println!(
        "forecast {} dishes for the next {} days",
        outcome.run.items, outcome.run.horizon_days
    );
    if let Some((people, shifts)) = ensure_staff(pool, user, rid).await? {
        println!("added {people} staff and built next week's schedule: {shifts} shifts");
    }
    Ok(rid)
}

/// Three roles with labor standards and twenty people, then next week's
/// schedule built from the forecast and published. Only the first time.
async fn ensure_staff(
    pool: &flux_store::PgPool,
    user: Uuid,
    rid: Uuid,
) -> anyhow::Result<Option<(usize, usize)>> {
    use flux_app::labor::staff::{self, AvailabilityInput, RoleInput, StaffInput, StaffRoleInput};
    use flux_app::labor::LaborDriver;
    use rust_decimal::Decimal;

    let boss = flux_app::labor::Caller {
        user_id: user,
        role: flux_domain::role::Role::Owner,
    };
    let mut tx = flux_store::tenant::begin(pool, user, rid).await?;
    if !staff::roles(&mut tx, rid).await?.is_empty() {
        return Ok(None);
    }
    let role = |name: &str, wage: i64, driver, per_hour: i64, before: i32, after: i32| RoleInput {
        name: name.into(),
        hourly_wage: Decimal::from(wage),
        driver,
        per_labor_hour: Decimal::from(per_hour),
        min_staff: 1,
        before_open_minutes: before,
        after_close_minutes: after,
    };
    let mut roles = Vec::new();
    for r in [
        role("Kitchen", 14, LaborDriver::Items, 40, 60, 30),
        role("Floor", 12, LaborDriver::Covers, 14, 30, 15),
        role("Dish", 11, LaborDriver::Items, 80, 0, 30),
    ] {
        roles.push(staff::save_role(&mut tx, rid, boss, None, r).await?.id);
    }
    let names = [
        "Lucía", "Javier", "Marta", "Pablo", "Carmen", "Diego", "Elena", "Hugo", "Irene", "Mateo",
        "Nuria", "Óscar", "Rocío", "Sergio", "Alba", "Tomás", "Clara", "Iker", "Sofía", "Unai",
    ];
    for (i, name) in names.iter().enumerate() {
        let main = roles[i % roles.len()];
        let mut its = vec![StaffRoleInput {
            role_id: main,
            hourly_wage: Some(Decimal::from(11 + (i % 4) as i64)),
        }];
        if i % 5 == 0 {
            its.push(StaffRoleInput {
                role_id: roles[(i + 1) % roles.len()],
                hourly_wage: None,
            });
        }
        // Two days off a week each, staggered; some evenings only.
        let availability = (0..7)
            .filter(|d| (d + i) % 7 >= 2)
            .map(|d| AvailabilityInput {
                day_of_week: d as i16,
                from: if i % 3 == 2 { "16:00" } else { "10:00" }.into(),
                to: "00:00".into(),
            })
            .collect();
        staff::save(
            &mut tx,
            rid,
            boss,
            None,
            StaffInput {
                name: (*name).into(),
                email: None,
                user_id: None,
                contracted_hours: Some(if i % 2 == 0 { 40.0 } else { 25.0 }),
                max_week_hours: Some(if i % 2 == 0 { 40.0 } else { 30.0 }),
                active: true,
                roles: its,
                availability,
            },
        )
        .await?;
    }
    let today = chrono::Utc::now().date_naive();
    let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let built = flux_app::labor::schedule::build(&mut tx, rid, boss, monday).await?;
    flux_app::labor::schedule::publish(&mut tx, rid, boss, monday).await?;
    tx.commit().await?;
    Ok(Some((names.len(), built.week.shifts.len())))
}

/// Gives every demo dish the library's recipe, as a chef accepting each
/// suggestion would, so costing and profitability have something to show.
/// Dishes already confirmed are left alone.
async fn confirm_library_recipes(
    pool: &flux_store::PgPool,
    user: Uuid,
    rid: Uuid,
) -> anyhow::Result<usize> {
    let mut tx = flux_store::tenant::begin(pool, user, rid).await?;
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid).await?;
    let pending = flux_app::costing::suggest::pending(&mut tx, rid, &kitchen).await?;
    let mut confirmed = 0;
    for dish in pending.iter().filter(|p| p.suggestion.is_some()) {
        // Each acceptance may create ingredients the next one reuses.
        let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid).await?;
        if flux_app::costing::suggest::accept(&mut tx, rid, &kitchen, dish.menu_item_id)
            .await?
            .is_some()
        {
            confirmed += 1;
        }
    }
    tx.commit().await?;
    Ok(confirmed)
}

/// A demo supplier: delivery weekdays, lead time, minimum order and the
/// ingredient families it sells.
struct DemoSupplier {
    name: &'static str,
    days: &'static [i64],
    lead: i64,
    minimum: i64,
    families: &'static [flux_costing::Category],
}

/// Three suppliers by ingredient family, an offer for every ingredient
/// (packs at a bulk price a little under the ingredient's cost) and the
/// last four weeks of stock routine ([`stock_month`]), so purchasing has
/// something to recommend and the variance report something to show. Only
/// the first time.
async fn ensure_suppliers(
    pool: &flux_store::PgPool,
    user: Uuid,
    rid: Uuid,
) -> anyhow::Result<Option<usize>> {
    use flux_costing::Category;
    use rust_decimal::Decimal;

    let mut tx = flux_store::tenant::begin(pool, user, rid).await?;
    if !flux_app::purchasing::suppliers::list(&mut tx, rid)
        .await?
        .is_empty()
    {
        return Ok(None);
    }
    let kitchen = flux_app::costing::Kitchen::load(&mut tx, rid).await?;
    let plan = [
        DemoSupplier {
            name: "Mercat Central Fruites",
            days: &[1, 2, 3, 4, 5, 6],
            lead: 1,
            minimum: 60,
            families: &[Category::Produce, Category::Bakery],
        },
        DemoSupplier {
            name: "Carns i Peixos Vidal",
            days: &[2, 4, 6],
            lead: 1,
            minimum: 150,
            families: &[Category::Meat, Category::Seafood, Category::Frozen],
        },
        // Everything else: dry goods, dairy, oils.
        DemoSupplier {
            name: "Distribucions Rebost",
            days: &[1, 4],
            lead: 2,
            minimum: 200,
            families: &[],
        },
    ];
    let mut ids = Vec::new();
    for DemoSupplier {
        name,
        days,
        lead,
        minimum,
        ..
    } in &plan
    {
        let input = flux_app::purchasing::suppliers::SupplierInput {
            name: (*name).into(),
            email: Some(format!(
                "pedidos@{}.example",
                name.split(' ').next().unwrap_or("proveedor").to_lowercase()
            )),
            lead_time_days: Some(*lead),
            delivery_days: Some(days.to_vec()),
            min_order_value: Some(Decimal::from(*minimum)),
            ..Default::default()
        };
        ids.push(
            flux_app::purchasing::suppliers::create(&mut tx, rid, &input)
                .await?
                .supplier_id,
        );
    }
    for ingredient in &kitchen.rows.ingredients {
        let family = Category::parse(&ingredient.category);
        let supplier = plan
            .iter()
            .position(|s| s.families.contains(&family))
            .unwrap_or(2);
        let pack = match ingredient.base_unit.as_str() {
            "each" => "24 each",
            "l" => "5 l",
            _ if family == Category::Produce => "5 kg",
            _ => "2 kg",
        };
        let pack_base =
            Decimal::from_str_exact(pack.split(' ').next().unwrap_or("1")).unwrap_or(Decimal::ONE);
        let offer = flux_app::purchasing::suppliers::OfferInput {
            pack_size: pack.into(),
            pack_price: (ingredient.unit_cost * pack_base * Decimal::new(95, 2)).round_dp(2),
            preferred: true,
        };
        flux_app::purchasing::suppliers::set_offer(
            &mut tx,
            rid,
            &kitchen,
            ids[supplier],
            ingredient.ingredient_id,
            &offer,
        )
        .await?;
    }
    let deliveries = stock_month(&mut tx, rid, &kitchen, user).await?;
    invoice_month(&mut tx, rid, &kitchen, user, &deliveries).await?;
    tx.commit().await?;
    Ok(Some(ids.len()))
}

/// The suppliers' invoices for the month's deliveries (billed by weight at
/// the offer's pack price, a transport charge on the meat invoices, one
/// produce price up 12 % in the third week, a credit note for a shortage),
/// and one purchase order received short today and billed in full, so
/// the invoice page has a three-way match with a credit due.
async fn invoice_month(
    tx: &mut flux_store::PgConnection,
    rid: Uuid,
    kitchen: &flux_app::costing::Kitchen,
    user: Uuid,
    deliveries: &[(chrono::NaiveDate, Vec<(Uuid, rust_decimal::Decimal)>)],
) -> anyhow::Result<()> {
    use flux_app::inventory::invoices::{self, CreditInput, InvoiceInput, LineInput};
    use flux_app::inventory::CreditReason;
    use flux_app::purchasing::orders;
    use rust_decimal::Decimal;

    let suppliers = flux_app::purchasing::suppliers::list_with_offers(tx, rid).await?;
    let produce = |id: Uuid| {
        kitchen
            .ingredient(id)
            .is_some_and(|i| i.category == "produce")
    };
    for (week, (date, delivered)) in deliveries.iter().enumerate() {
        for (n, s) in suppliers.iter().enumerate() {
            let mut lines: Vec<LineInput> = Vec::new();
            let mut raised = false;
            for (ingredient, quantity) in delivered {
                let Some(offer) = s.offers.iter().find(|o| o.ingredient_id == *ingredient) else {
                    continue;
                };
                let mut price = offer.pack_price;
                if week == 2 && !raised && produce(*ingredient) {
                    price = (price * Decimal::new(112, 2)).round_dp(2);
                    raised = true;
                }
                let packs = (*quantity / offer.pack_base_units).round_dp(3);
                if packs <= Decimal::ZERO {
                    continue;
                }
                lines.push(LineInput {
                    ingredient_id: Some(*ingredient),
                    description: kitchen
                        .ingredient(*ingredient)
                        .map(|i| i.name.to_uppercase()),
                    packs,
                    pack_price: price,
                    pack_size: Some(offer.pack_base_units),
                    amount: None,
                    credit_reason: None,
                });
            }
            if lines.is_empty() {
                continue;
            }
            if s.supplier.name.starts_with("Carns") {
                lines.push(LineInput {
                    description: Some("Transport refrigerat".into()),
                    packs: Decimal::ONE,
                    pack_price: Decimal::new(1200, 2),
                    ..Default::default()
                });
            }
            let number = format!("F{}-{:04}", n + 1, 310 + week);
            let invoice = invoices::record(
                tx,
                rid,
                kitchen,
                &InvoiceInput {
                    supplier_id: s.supplier.supplier_id,
                    number,
                    invoice_date: *date,
                    purchase_order_id: None,
                    note: None,
                    lines,
                },
                Some(user),
            )
            .await?;
            if week == 0 && n == 0 {
                if let Some(l) = invoice.lines.first() {
                    invoices::credit(
                        tx,
                        rid,
                        kitchen,
                        invoice.id,
                        &CreditInput {
                            number: "AB-0042".into(),
                            date: *date + Duration::days(2),
                            note: Some("box short on delivery".into()),
                            lines: vec![LineInput {
                                ingredient_id: l.ingredient_id,
                                description: Some(l.description.clone()),
                                packs: Decimal::new(5, 1),
                                pack_price: l.pack_price,
                                pack_size: l.pack_size,
                                amount: None,
                                credit_reason: Some(CreditReason::Shortage),
                            }],
                        },
                        Some(user),
                    )
                    .await?;
                }
            }
        }
    }
    // Today's produce order: three lines, the first half a pack short.
    let Some((n, s)) = suppliers
        .iter()
        .enumerate()
        .find(|(_, s)| s.supplier.name.starts_with("Mercat"))
    else {
        return Ok(());
    };
    let input: Vec<orders::LineInput> = s
        .offers
        .iter()
        .filter(|o| produce(o.ingredient_id))
        .take(3)
        .map(|o| orders::LineInput {
            ingredient_id: o.ingredient_id,
            packs: 2,
            explanation: None,
        })
        .collect();
    if input.is_empty() {
        return Ok(());
    }
    let order = orders::create(
        tx,
        rid,
        s.supplier.supplier_id,
        Some(kitchen.today),
        None,
        &input,
    )
    .await?;
    orders::send(tx, rid, order.id).await?;
    let first = &order.lines[0];
    let received = orders::receive(
        tx,
        rid,
        order.id,
        kitchen.today,
        &[orders::Receipt {
            line_no: first.line_no,
            received_quantity: first.quantity - first.pack_base_units / Decimal::TWO,
        }],
    )
    .await?;
    let lines = received
        .lines
        .iter()
        .map(|l| LineInput {
            ingredient_id: Some(l.ingredient_id),
            description: Some(l.ingredient.to_uppercase()),
            packs: Decimal::from(l.packs),
            pack_price: l.pack_price,
            pack_size: Some(l.pack_base_units),
            amount: None,
            credit_reason: None,
        })
        .collect();
    invoices::record(
        tx,
        rid,
        kitchen,
        &InvoiceInput {
            supplier_id: s.supplier.supplier_id,
            number: format!("F{}-0400", n + 1),
            invoice_date: kitchen.today,
            purchase_order_id: Some(order.id),
            note: None,
            lines,
        },
        Some(user),
    )
    .await?;
    Ok(())
}

/// Four weeks of a kitchen's stock routine over the generated sales: a
/// count every week (the first the night before the month), a delivery at
/// the start of each week topping stock up to a week and a half of use,
/// and waste logged with reasons (spoiled produce, over-produced and
/// returned dishes, staff meals). What actually leaves the shelf is the
/// recipes' use of the dishes sold, plus the waste, plus a little the
/// recipes do not account for: a few per cent everywhere, and generous
/// portions of the costliest meat, so the variance report has a clear
/// first line.
async fn stock_month(
    tx: &mut flux_store::PgConnection,
    rid: Uuid,
    kitchen: &flux_app::costing::Kitchen,
    user: Uuid,
) -> anyhow::Result<Vec<(chrono::NaiveDate, Vec<(Uuid, rust_decimal::Decimal)>)>> {
    use flux_app::inventory::waste::{self, WasteInput};
    use flux_app::inventory::WasteReason;
    use flux_app::purchasing::stock::{self, EventInput, Kind};
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    use rust_decimal::Decimal;
    use std::collections::HashMap;

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1169);
    let end = kitchen.today - Duration::days(1);
    let opening_day = end - Duration::days(28);
    let ingredients = &kitchen.rows.ingredients;
    let generous = ingredients
        .iter()
        .filter(|i| matches!(i.category.as_str(), "meat" | "seafood"))
        .max_by(|a, b| a.unit_cost.cmp(&b.unit_cost))
        .map(|i| i.ingredient_id);
    let bias: HashMap<Uuid, f64> = ingredients
        .iter()
        .map(|i| {
            let b = if Some(i.ingredient_id) == generous {
                0.12
            } else {
                rng.gen_range(-0.02..0.05)
            };
            (i.ingredient_id, b)
        })
        .collect();
    let dishes: Vec<Uuid> = kitchen
        .rows
        .recipes
        .iter()
        .filter(|r| r.menu_item_id.is_some())
        .map(|r| r.recipe_id)
        .collect();
    let round = |v: f64| {
        Decimal::from_f64(v.max(0.0))
            .unwrap_or_default()
            .round_dp(2)
    };

    let mut on_hand: HashMap<Uuid, f64> = HashMap::new();
    let mut delivered_by_week = Vec::new();
    for w in 0..4i64 {
        let from = opening_day + Duration::days(1 + 7 * w);
        let to = from + Duration::days(6);
        let demand = flux_app::costing::explode::sales_demand(tx, rid, from, to).await?;
        let theory: HashMap<Uuid, f64> = kitchen
            .explode_items(&demand)?
            .needs
            .into_iter()
            .map(|n| {
                (
                    n.ingredient_id,
                    n.gross_quantity.to_f64().unwrap_or_default(),
                )
            })
            .collect();
        if w == 0 {
            // The night before the month: about half a week on the shelf.
            let counts: Vec<EventInput> = ingredients
                .iter()
                .map(|i| {
                    let q = round(theory.get(&i.ingredient_id).copied().unwrap_or(0.0) * 0.5);
                    on_hand.insert(i.ingredient_id, q.to_f64().unwrap_or_default());
                    EventInput {
                        ingredient_id: i.ingredient_id,
                        quantity: q,
                        unit: None,
                        note: Some("weekly count".into()),
                        reason: None,
                    }
                })
                .collect();
            stock::record(tx, rid, kitchen, Kind::Count, opening_day, &counts).await?;
        }
        // Waste: produce that went off, dishes made and not sold or sent
        // back, and the team's meal.
        let mut entries = Vec::new();
        let produce: Vec<_> = ingredients
            .iter()
            .filter(|i| i.category == "produce")
            .collect();
        for _ in 0..4 {
            if produce.is_empty() {
                break;
            }
            let i = produce[rng.gen_range(0..produce.len())];
            let t = theory.get(&i.ingredient_id).copied().unwrap_or(0.0);
            if t > 0.0 {
                entries.push((
                    from + Duration::days(rng.gen_range(0..7)),
                    WasteInput {
                        ingredient_id: Some(i.ingredient_id),
                        recipe_id: None,
                        quantity: round(t * rng.gen_range(0.04..0.10)),
                        unit: None,
                        reason: WasteReason::Spoiled,
                        note: None,
                    },
                ));
            }
        }
        // (reason, entries a week, portions an entry)
        for (reason, times, portions) in [
            (WasteReason::OverProduction, 3, 3..9),
            (WasteReason::StaffMeal, 5, 2..5),
            (WasteReason::Dropped, 2, 1..3),
            (WasteReason::Returned, 2, 1..2),
        ] {
            for _ in 0..times {
                if dishes.is_empty() {
                    break;
                }
                entries.push((
                    from + Duration::days(rng.gen_range(0..7)),
                    WasteInput {
                        ingredient_id: None,
                        recipe_id: Some(dishes[rng.gen_range(0..dishes.len())]),
                        quantity: Decimal::from(rng.gen_range(portions.clone())),
                        unit: None,
                        reason,
                        note: None,
                    },
                ));
            }
        }
        let mut wasted: HashMap<Uuid, f64> = HashMap::new();
        for (day, e) in &entries {
            match (e.ingredient_id, e.recipe_id) {
                (Some(i), _) => *wasted.entry(i).or_default() += e.quantity.to_f64().unwrap_or(0.0),
                (None, Some(r)) => {
                    for (i, q) in waste::exploded(kitchen, r, e.quantity) {
                        *wasted.entry(i).or_default() += q.to_f64().unwrap_or(0.0);
                    }
                }
                _ => {}
            }
            waste::record(tx, rid, kitchen, *day, std::slice::from_ref(e), Some(user)).await?;
        }
        // Monday's delivery tops the shelf up to a week and a half of use.
        let mut deliveries = Vec::new();
        let mut counts = Vec::new();
        for i in ingredients {
            let id = i.ingredient_id;
            let t = theory.get(&id).copied().unwrap_or(0.0);
            let have = on_hand.get(&id).copied().unwrap_or(0.0);
            let delivered = round(t * 1.5 - have);
            if delivered > Decimal::ZERO {
                deliveries.push(EventInput {
                    ingredient_id: id,
                    quantity: delivered,
                    unit: None,
                    note: Some("weekly delivery".into()),
                    reason: None,
                });
            }
            let used = t * (1.0 + bias.get(&id).copied().unwrap_or(0.0))
                + wasted.get(&id).copied().unwrap_or(0.0);
            let closing = round(have + delivered.to_f64().unwrap_or(0.0) - used);
            on_hand.insert(id, closing.to_f64().unwrap_or_default());
            counts.push(EventInput {
                ingredient_id: id,
                quantity: closing,
                unit: None,
                note: Some("weekly count".into()),
                reason: None,
            });
        }
        if !deliveries.is_empty() {
            stock::record(tx, rid, kitchen, Kind::Delivery, from, &deliveries).await?;
        }
        delivered_by_week.push((
            from,
            deliveries
                .iter()
                .map(|d| (d.ingredient_id, d.quantity))
                .collect(),
        ));
        stock::record(tx, rid, kitchen, Kind::Count, to, &counts).await?;
    }
    Ok(delivered_by_week)
}

async fn create_demo(pool: &flux_store::PgPool, user: Uuid) -> anyhow::Result<Uuid> {
    let profile = flux_domain::restaurant::Profile::parse(
        DEMO_RESTAURANT,
        Some("Europe/Madrid"),
        Some("EUR"),
        Some("es-ES"),
    )?;
    let r = flux_app::restaurants::create(pool, user, &profile)
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo restaurant: {e}"))?;
    let rid = r.restaurant_id;
    let mut tx = flux_store::tenant::begin(pool, user, rid).await?;
    let mut patch = serde_json::Map::new();
    patch.insert("holiday_country".into(), serde_json::json!("ES"));
    flux_app::settings::update(&mut tx, rid, &patch).await?;
    let mut days = Vec::new();
    for dow in 1..7 {
        days.push(flux_domain::hours::DayInput {
            day_of_week: dow,
            closed: false,
            ranges: vec![
                ("12:30".into(), "16:30".into()),
                ("20:00".into(), "23:45".into()),
            ],
        });
    }
    flux_app::hours::replace(&mut tx, rid, &days).await?;
    tx.commit().await?;

    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Madrid)
        .date_naive();
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("demo-pos-export.csv");
    let lines = generate(&file, today)?;
    println!("generated a year of sales: {lines} order lines");
    let bar = indicatif::ProgressBar::new(lines as u64);
    let pb = bar.clone();
    let report = flux_app::uploads::import(
        pool,
        flux_app::uploads::Actor {
            restaurant_id: rid,
            user_id: Some(user),
        },
        &flux_app::uploads::Source {
            path: file,
            filename: "demo-pos-export.csv".into(),
        },
        &flux_app::uploads::ImportOptions::default(),
        Arc::new(move |p| {
            pb.set_length(p.lines_total);
            pb.set_position(p.lines_done);
        }),
    )
    .await?;
    bar.finish_and_clear();
    println!(
        "imported {} lines, {} dishes",
        report.rows_imported, report.distinct_items
    );
    Ok(rid)
}
