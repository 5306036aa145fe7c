//! Purchasing and costing writes through the dashboard follow the same
//! rules as the API: a taken supplier name is refused on rename too, a
//! stock count needs a count and no negative quantity, and the "new
//! recipe" form never replaces a dish's existing recipe.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, Visitor};

/// The id at the end of a redirect such as `/app/r/<rid>/things/<id>?done=saved`.
fn id_of(location: Option<&str>) -> String {
    location
        .expect("redirect")
        .split('?')
        .next()
        .and_then(|p| p.rsplit('/').next())
        .expect("id")
        .to_string()
}

async fn supplier(v: &Visitor, rid: &str, name: &str) -> String {
    let page = v
        .submit(
            &format!("/app/r/{rid}/purchasing/suppliers"),
            &format!("/app/r/{rid}/purchasing/suppliers"),
            &[("name", name), ("lead_time_days", "1"), ("day1", "on")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_of(page.location.as_deref())
}

async fn ingredient(v: &Visitor, rid: &str, name: &str) -> String {
    let page = v
        .submit(
            &format!("/app/r/{rid}/ingredients/new"),
            &format!("/app/r/{rid}/ingredients"),
            &[("name", name), ("base_unit", "kg"), ("unit_cost", "2")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_of(page.location.as_deref())
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn owner_of_a_restaurant(v: &Visitor) -> String {
    v.sign_up("owner@example.com").await;
    v.create_restaurant("Casa Pepe").await
}

#[tokio::test]
async fn a_taken_supplier_name_is_refused_beside_the_field_on_create_and_on_rename() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_of_a_restaurant(&v).await;
    supplier(&v, &rid, "Huerta").await;
    let list = format!("/app/r/{rid}/purchasing/suppliers");
    let again = v
        .submit(&list, &list, &[("name", " HUERTA "), ("day1", "on")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("a supplier with this name already exists"),
        "{}",
        again.body
    );

    let other = supplier(&v, &rid, "Verduras").await;
    let detail = format!("/app/r/{rid}/purchasing/suppliers/{other}");
    let renamed = v
        .submit(&detail, &detail, &[("name", "huerta"), ("day2", "on")])
        .await;
    assert_eq!(
        renamed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form comes back with the problem, not an error page"
    );
    assert!(
        renamed
            .body
            .contains("a supplier with this name already exists"),
        "{}",
        renamed.body
    );
    assert!(
        renamed.body.contains(r#"value="huerta""#),
        "what was typed is kept: {}",
        renamed.body
    );
    let kept = v.get(&detail).await;
    assert!(
        kept.body.contains("Verduras"),
        "a refused rename changes nothing"
    );
}

#[tokio::test]
async fn a_stock_count_needs_a_count_and_refuses_bad_quantities_beside_their_row() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_of_a_restaurant(&v).await;
    let tomatoes = ingredient(&v, &rid, "Tomatoes").await;
    let stock = format!("/app/r/{rid}/purchasing/stock");
    let field = format!("count-{tomatoes}");

    let empty = v.submit(&stock, &stock, &[(&field, " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("give at least one ingredient"),
        "{}",
        empty.body
    );

    let negative = v.submit(&stock, &stock, &[(&field, "-1")]).await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        negative.body.contains("must not be negative") && negative.body.contains(r#"value="-1""#),
        "{}",
        negative.body
    );
    let word = v.submit(&stock, &stock, &[(&field, "lots")]).await;
    assert_eq!(word.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(word.body.contains("must be a number"), "{}", word.body);
    assert!(
        v.get(&stock).await.body.contains("not counted"),
        "refused counts store nothing"
    );

    let ok = v.submit(&stock, &stock, &[(&field, "3,5")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = v.get(&stock).await;
    assert!(!after.body.contains("not counted"), "{}", after.body);
}

#[tokio::test]
async fn the_new_recipe_form_does_not_replace_a_dishs_recipe() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_of_a_restaurant(&v).await;
    let made = v
        .submit(
            &format!("/app/r/{rid}/menu/new"),
            &format!("/app/r/{rid}/menu"),
            &[("name", "Salad"), ("price", "9"), ("active", "on")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let tomatoes = ingredient(&v, &rid, "Tomatoes").await;
    let recipes = v.get(&format!("/app/r/{rid}/recipes")).await;
    let marker = "recipes/new?menu_item_id=";
    let at = recipes
        .body
        .find(marker)
        .expect("the dish waits for a recipe")
        + marker.len();
    let item = recipes.body[at..at + 36].to_string();

    let form_page = format!("/app/r/{rid}/recipes/new?kind=prep");
    let action = format!("/app/r/{rid}/recipes/new");
    let component = format!("i:{tomatoes}");
    let dish_form = |quantity: &str| -> Vec<(&'static str, String)> {
        vec![
            ("menu_item_id", item.clone()),
            ("portions", "1".into()),
            ("line0_component", component.clone()),
            ("line0_quantity", quantity.into()),
            ("line0_unit", "g".into()),
            ("intent", "save".into()),
        ]
    };
    let first = dish_form("200");
    let saved = v.submit(&form_page, &action, &borrowed(&first)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let recipe = id_of(saved.location.as_deref());

    // The same form again, as from a second tab opened before the first save.
    let second = dish_form("900");
    let second = borrowed(&second);
    let refused = v.submit(&form_page, &action, &second).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("this menu item already has a recipe; edit that one"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("/recipes/{recipe}")),
        "the page links to the recipe to edit: {}",
        refused.body
    );
    let kept = v.get(&format!("/app/r/{rid}/recipes/{recipe}")).await;
    assert!(
        kept.body.contains(r#"value="200""#) && !kept.body.contains(r#"value="900""#),
        "the first recipe is unchanged: {}",
        kept.body
    );
}

#[tokio::test]
async fn renaming_an_ingredient_to_a_taken_name_shows_the_error_beside_the_name() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_of_a_restaurant(&v).await;
    ingredient(&v, &rid, "Tomatoes").await;
    let onions = ingredient(&v, &rid, "Onions").await;
    let edit = format!("/app/r/{rid}/ingredients/{onions}");
    let renamed = v
        .submit(
            &edit,
            &edit,
            &[
                ("name", "tomatoes"),
                ("base_unit", "kg"),
                ("unit_cost", "2"),
            ],
        )
        .await;
    assert_eq!(
        renamed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form comes back with the problem and the price history: {}",
        renamed.body
    );
    assert!(
        renamed
            .body
            .contains("An ingredient with this name already exists")
            && renamed.body.contains("Price history"),
        "{}",
        renamed.body
    );
    assert!(
        v.get(&edit).await.body.contains("Onions"),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_taken_prep_name_is_shown_beside_the_name() {
    let app = spawn_app().await;
    let v = app.visitor();
    let rid = owner_of_a_restaurant(&v).await;
    let tomatoes = format!("i:{}", ingredient(&v, &rid, "Tomatoes").await);
    let form_page = format!("/app/r/{rid}/recipes/new?kind=prep");
    let action = format!("/app/r/{rid}/recipes/new");
    let prep = |name: &'static str| {
        [
            ("name", name),
            ("yield_amount", "2"),
            ("yield_unit", "l"),
            ("line0_component", tomatoes.as_str()),
            ("line0_quantity", "1"),
            ("line0_unit", "kg"),
            ("intent", "save"),
        ]
    };
    let saved = v.submit(&form_page, &action, &prep("Tomato sauce")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = v.submit(&form_page, &action, &prep("tomato  SAUCE")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("a prep with this name already exists"),
        "{}",
        again.body
    );
}
