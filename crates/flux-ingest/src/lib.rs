//! Flux sales-file ingestion: a pure, streaming parser that turns a
//! restaurant's exported sales file into normalised [`SaleLine`]s plus
//! precise [`RowError`]s.
//!
//! It knows nothing of databases, tenants or networks: bytes in, lines out.
//! The database layer consumes the [`SalesReader`] iterator and decides the
//! policy (reject the file on any error, or import the valid rows); this
//! crate's job is to make that decision easy by giving exact counts
//! ([`Summary`]) and errors that name the line, column and value.
//!
//! ```
//! use chrono::NaiveDate;
//! use flux_ingest::{parse_bytes, ParseOptions};
//!
//! let csv = b"date,item,quantity,price\n2024-03-01,2x Coffee,1,3.50\n";
//! let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
//! let opts = ParseOptions::new(chrono_tz::Europe::London, today);
//! let mut reader = parse_bytes(csv, &opts)?;
//! let line = reader.next().unwrap()?;
//! assert_eq!(line.item, "Coffee");
//! assert_eq!(line.quantity, Some(2.into()));
//! assert_eq!(line.line_total.map(|t| t.to_string()).as_deref(), Some("7.00"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Formats
//!
//! Detected from the header row (case, spacing, punctuation and accents
//! ignored; see [`Format::header_aliases`]), or forced with
//! [`ParseOptions::format`] / [`ParseOptions::mapping`]. Every layout that
//! claims the header is tried and the one explaining most columns wins;
//! roles a vendor layout leaves open are filled from the generic aliases,
//! and money or quantity columns left without a role are listed in
//! [`Sniffed::unmapped`]:
//!
//! | format | recognised by | notes |
//! |---|---|---|
//! | [`Format::Seed`] | exactly `date,item,quantity,price` | price is per unit |
//! | [`Format::Toast`] | `Order Id`, `Order Date`, `Menu Item` | `Void?`/`Deferred` rows skipped; `Gross Price`/`Net Price` are line totals |
//! | [`Format::Square`] | `Item`, `Transaction ID`, `Gross Sales`, `Net Sales` | matched by name, so 21/33/35-column variants work; `"$8.00"` money; refunds negative |
//! | [`Format::Lightspeed`] | `Sale ID`/`Sale Line ID`/`Receipt ID` + item + date | `Type` void/refund honoured |
//! | [`Format::DailyVisitors`] | `visitors`/`covers`/`guests` + date | item "Visitors", store id as location |
//! | [`Format::Transactions`] | order/ticket/receipt/`Bon-Nr.` id + date + item | one row per item line (Loyverse receipts by item, SumUp, back-office reports in German, French, Spanish…); a `Status` of cancelled is a void |
//! | [`Format::Generic`] | any date/timestamp + item alias | e.g. vending `date,datetime,…,money,coffee_name` |
//! | [`Format::DailyRevenue`] | product group + revenue + date, no item | quantity unknown (`None`), revenue in `line_total`; numeric groups shown as `Warengruppe 3` |
//! | [`Format::PeriodSummary`] | item + sold qty/revenue, no date, often after a preamble | item sales summaries (Clover Items Report, Loyverse/Square item sales, Toast product mix): the caller must pass `period_date`; refunded units and amounts are netted; section rows give the category of the items below |
//!
//! Whatever the layout: subtotal, total and roll-up rows (`Total`,
//! `Total (Coffee)`, `Summe`, `Total général`, rows with money but no item,
//! date or order) are skipped and counted as `summary_rows`; receipt-level
//! exports that list a whole receipt in one cell are refused
//! ([`IngestError::ReceiptLevel`]); values beyond [`MAX_QUANTITY`],
//! [`MAX_UNIT_PRICE`] or [`MAX_LINE_TOTAL`] are row errors, and money is
//! kept to [`MONEY_SCALE`] places, quantities to [`QUANTITY_SCALE`].
//!
//! `.xlsx` workbooks (first sheet) go through the same detection; numeric
//! cells holding ids are read back as whole integers. Rows that share an
//! export line id but differ are all kept ([`Warning::SharedKey`]).
//!
//! # Guarantees
//!
//! * **Streaming, bounded memory** for delimited text: one record, a 64 KiB
//!   read buffer, the first `max_errors` errors and two capped counter maps.
//!   Fields are capped at [`MAX_FIELD_BYTES`], records at [`MAX_FIELDS`]
//!   fields; longer rows become [`RowErrorKind::RecordTooLong`]. The only
//!   second pass is the date-order pre-scan, run only when the first 64 KiB
//!   hold day/month dates that do not settle the order. `.xlsx` sheets are
//!   read whole (the zip format requires it).
//! * **Never panics** on input bytes (property-tested), and every row is
//!   counted: `rows_read == parsed + errored + skipped.total()`.
//! * **Exact money**: amounts and quantities are [`rust_decimal::Decimal`].
//! * **Line numbers** are 1-based physical lines, counting lines inside
//!   quoted fields, so a person can find the row in a text editor.
//!
//! Module map: `tokenizer` splits bytes into records; [`mod@sniff`] finds the
//! encoding, delimiter, header row and layout; [`mod@format`] holds the known
//! layouts and header aliases; [`dates`], [`numbers`], [`clock`] and
//! [`item`] parse values; `row` turns a record into a line; `reader` drives
//! the stream.

mod aliases;
pub mod clock;
pub mod columns;
mod counters;
pub mod dates;
pub mod encoding;
pub mod error;
pub mod format;
pub mod item;
pub mod line;
pub mod numbers;
pub mod options;
pub mod preview;
mod reader;
mod record;
mod row;
mod sheet;
pub mod sniff;
mod tokenizer;

pub use clock::{business_date, resolve_local, DEFAULT_DAY_CUTOFF_HOUR};
pub use columns::{normalize_header, ColumnMapping, Role};
pub use dates::{date_order_for_locale, DateOrder, DateOrderChoice, DateOrderReason};
pub use encoding::TextEncoding;
pub use error::{IngestError, RowError, RowErrorKind};
pub use format::{Format, UnmappedColumn, UnmappedKind};
pub use item::{
    looks_like_formula, normalize_item_name, sanitize_for_display, split_quantity_prefix,
};
pub use line::{SaleLine, Warning};
pub use numbers::{
    parse_decimal, DecimalSeparator, MAX_LINE_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE, MONEY_SCALE,
    QUANTITY_SCALE,
};
pub use options::{ParseOptions, DEFAULT_MAX_ERRORS};
pub use preview::{preview, Preview};
pub use reader::{parse, parse_bytes, SalesReader, SkipCounts, Summary};
pub use row::UNKNOWN_ITEM;
pub use sniff::{sniff, sniff_with, Container, Sniffed};
pub use tokenizer::{MAX_FIELDS, MAX_FIELD_BYTES, MAX_RECORD_BYTES};
