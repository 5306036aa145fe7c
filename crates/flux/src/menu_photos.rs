//! `flux menu import-photo`: a menu photo or PDF read from the shell, the
//! proposal printed, and with `--yes` confirmed into the menu as read.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use flux_app::menu_photos::scans::{self, Actor, ConfirmItem};
use flux_app::menu_photos::PhotoLimits;
use indicatif::ProgressBar;
use uuid::Uuid;

use crate::config::Config;
use crate::database;

#[derive(Debug, Subcommand)]
pub enum MenuCommand {
    /// Read a photo or scan of the printed menu (JPEG, PNG, WebP, PDF) into
    /// proposed dishes; `--yes` puts them on the menu.
    ImportPhoto(ImportPhotoArgs),
}

#[derive(Debug, Args)]
pub struct ImportPhotoArgs {
    /// Restaurant whose menu it is.
    #[arg(long)]
    pub restaurant: Uuid,
    /// The photo or PDF.
    pub file: PathBuf,
    /// Confirm every proposed dish into the menu (matches are updated).
    #[arg(long)]
    pub yes: bool,
    /// Print the proposal as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config: &Config, cmd: MenuCommand) -> anyhow::Result<()> {
    let MenuCommand::ImportPhoto(args) = cmd;
    let photo = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let db = database::open(config).await?;
    flux_store::migrate(&db.owner)
        .await
        .context("applying migrations")?;
    let pool = flux_store::connect_app(db.app.clone(), db.app_role, 2).await?;
    let readers = crate::serve::menu_readers(config).await;
    let actor = Actor {
        restaurant_id: args.restaurant,
        user_id: None,
    };
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "menu".into());
    let bar = ProgressBar::new_spinner();
    bar.set_message(format!("reading {filename}"));
    bar.enable_steady_tick(Duration::from_millis(120));
    let result = scans::scan(
        &pool,
        actor,
        &photo,
        &filename,
        &readers,
        PhotoLimits::default(),
    )
    .await;
    bar.finish_and_clear();
    let proposal = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&proposal)?);
    } else {
        println!(
            "{} ({} page(s), {:.1} s, {})",
            proposal.message,
            proposal.pages,
            proposal.seconds,
            proposal.engine.label()
        );
        for w in &proposal.warnings {
            println!("warning: {w}");
        }
        for it in &proposal.items {
            let price = it.price.map_or_else(|| "—".to_string(), |p| p.to_string());
            let flag = if it.low_confidence { " (check)" } else { "" };
            let known = it.existing.as_ref().map_or(String::new(), |e| {
                let now = e.price.map_or_else(|| "—".into(), |p| p.to_string());
                format!("  [on the menu as {:?} at {now}]", e.name)
            });
            println!(
                "  {:<22} {:<36} {:>8}  {:.2}{flag}{known}",
                it.category.as_deref().unwrap_or("—"),
                it.name,
                price,
                it.confidence
            );
        }
    }
    if args.yes && !proposal.items.is_empty() {
        let items: Vec<ConfirmItem> = proposal
            .items
            .iter()
            .map(|it| ConfirmItem {
                name: it.name.clone(),
                category: it.category.clone(),
                description: it.description.clone(),
                price: it.price,
                merge_into: it.existing.as_ref().map(|e| e.menu_item_id),
            })
            .collect();
        let mut tx = pool.begin().await?;
        flux_store::tenant::set_restaurant(&mut tx, args.restaurant).await?;
        let done = scans::confirm(&mut tx, args.restaurant, proposal.scan_id, None, &items)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        println!("{}", done.message);
    } else if !args.yes {
        println!(
            "Nothing was changed. Confirm in the dashboard, or run again with --yes to add them as read."
        );
    }
    pool.close().await;
    Ok(())
}
