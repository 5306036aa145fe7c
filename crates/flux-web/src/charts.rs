//! Charts drawn as SVG on the server: readable without JavaScript, sharp
//! at any size, printable, and styled by the page's CSS (classes, not
//! inline styles, so the content security policy can forbid those).
//!
//! Three shapes cover the dashboard: a line with an optional shaded band
//! (sales against their usual range), a bar chart, and a history-then-
//! forecast chart (actual sales, then the forecast median with its p10–p90
//! band). All scale to their container through `viewBox` and carry a
//! `<title>`/`<desc>` so screen readers announce what they show.

use maud::{html, Markup};

const W: f64 = 720.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;

/// A line over evenly spaced points, with an optional band around it.
pub struct LineChart<'a> {
    /// Accessible name of the chart.
    pub title: &'a str,
    /// One sentence saying what the chart shows.
    pub description: &'a str,
    /// x label and value of each point, in order.
    pub points: &'a [(String, f64)],
    /// Low and high of the band at each point (same length as `points`).
    pub band: Option<&'a [(f64, f64)]>,
    /// Formats y-axis values.
    pub y_label: &'a dyn Fn(f64) -> String,
}

/// A bar per category.
pub struct BarChart<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub bars: &'a [(String, f64)],
    /// Formats the value printed above each bar.
    pub value_label: &'a dyn Fn(f64) -> String,
}

/// Actual daily values followed by forecast days on one time axis.
pub struct ForecastChart<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// x label and actual value of each past day, oldest first.
    pub history: &'a [(String, f64)],
    /// x label, p10, p50 and p90 of each forecast day, in order; drawn right
    /// after the history.
    pub forecast: &'a [(String, f64, f64, f64)],
    /// The range (p10, p90) that was forecast for each history day, where
    /// there was one; aligned with `history` (empty: none drawn).
    pub past: &'a [Option<(f64, f64)>],
    /// Formats y-axis values.
    pub y_label: &'a dyn Fn(f64) -> String,
}

/// Round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10ⁿ.
pub fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    // The finest round step that needs at most one interval more than asked.
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| (max / s).ceil() as usize <= target.max(1) + 1)
        .unwrap_or(20.0 * mag);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Indices of at most `max` labels spread evenly, always including the
/// first and last point.
pub fn label_indices(n: usize, max: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    if n <= max {
        return (0..n).collect();
    }
    let step = (n - 1) as f64 / (max - 1).max(1) as f64;
    let mut v: Vec<usize> = (0..max)
        .map(|i| (i as f64 * step).round() as usize)
        .collect();
    v.dedup();
    v
}

fn fmt_coord(v: f64) -> String {
    format!("{v:.1}")
}

/// Renders a [`LineChart`].
pub fn line(c: &LineChart<'_>) -> Markup {
    let h = 280.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = h - TOP - BOTTOM;
    let band_max = c
        .band
        .map_or(0.0, |b| b.iter().map(|(_, hi)| *hi).fold(0.0, f64::max));
    let max = c.points.iter().map(|(_, v)| *v).fold(band_max, f64::max);
    let ticks = nice_ticks(max, 4);
    let top = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let n = c.points.len();
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v.max(0.0) / top));
    let line_pts: Vec<String> = c
        .points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{},{}", fmt_coord(x(i)), fmt_coord(y(*v))))
        .collect();
    let band_path = c.band.filter(|b| b.len() == n && n > 0).map(|b| {
        let mut d = String::new();
        for (i, (_, hi)) in b.iter().enumerate() {
            d.push_str(&format!(
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                fmt_coord(x(i)),
                fmt_coord(y(*hi))
            ));
        }
        for (i, (lo, _)) in b.iter().enumerate().rev() {
            d.push_str(&format!("L{},{} ", fmt_coord(x(i)), fmt_coord(y(*lo))));
        }
        d.push('Z');
        d
    });
    html! {
        svg.chart.chart-line role="img" viewBox={ "0 0 " (W) " " (h) } preserveAspectRatio="xMidYMid meet" {
            title { (c.title) }
            desc { (c.description) }
            g.grid {
                @for t in &ticks {
                    line x1=(LEFT) x2=(W - RIGHT) y1=(fmt_coord(y(*t))) y2=(fmt_coord(y(*t))) {}
                    text.axis x=(LEFT - 8.0) y=(fmt_coord(y(*t) + 4.0)) text-anchor="end" { ((c.y_label)(*t)) }
                }
            }
            @if let Some(d) = band_path {
                path.band d=(d) {}
            }
            @if n > 1 {
                polyline.line points=(line_pts.join(" ")) {}
            }
            @for (i, (label, v)) in c.points.iter().enumerate() {
                @if n <= 1 || i + 1 == n {
                    circle.dot cx=(fmt_coord(x(i))) cy=(fmt_coord(y(*v))) r="4" { title { (label) ": " ((c.y_label)(*v)) } }
                }
            }
            g.xlabels {
                @for i in label_indices(n, 6) {
                    text.axis x=(fmt_coord(x(i))) y=(h - 8.0)
                        text-anchor=(if i == 0 { "start" } else if i + 1 == n { "end" } else { "middle" }) {
                        (c.points[i].0)
                    }
                }
            }
        }
    }
}

/// Renders a [`ForecastChart`]: the history as a solid line, a divider
/// where the forecast starts, and the forecast as a dashed median inside
/// its shaded band, so "what happened" and "what we expect" never blur.
pub fn forecast(c: &ForecastChart<'_>) -> Markup {
    let h = 300.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = h - TOP - BOTTOM;
    let hist_n = c.history.len();
    let n = hist_n + c.forecast.len();
    let max = c
        .history
        .iter()
        .map(|(_, v)| *v)
        .chain(c.forecast.iter().map(|(_, _, p50, p90)| p50.max(*p90)))
        .chain(c.past.iter().flatten().map(|(_, p90)| *p90))
        .fold(0.0, f64::max);
    let ticks = nice_ticks(max, 4);
    let top = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v.max(0.0) / top));
    let pt = |i: usize, v: f64| format!("{},{}", fmt_coord(x(i)), fmt_coord(y(v)));
    let history_pts: Vec<String> = c
        .history
        .iter()
        .enumerate()
        .map(|(i, (_, v))| pt(i, *v))
        .collect();
    let forecast_pts: Vec<String> = c
        .forecast
        .iter()
        .enumerate()
        .map(|(i, (_, _, p50, _))| pt(hist_n + i, *p50))
        .collect();
    let band = (!c.forecast.is_empty()).then(|| {
        let mut d = String::new();
        for (i, (_, _, _, p90)) in c.forecast.iter().enumerate() {
            let cmd = if i == 0 { "M" } else { "L" };
            d.push_str(&format!("{cmd}{} ", pt(hist_n + i, *p90)));
        }
        for (i, (_, p10, _, _)) in c.forecast.iter().enumerate().rev() {
            d.push_str(&format!("L{} ", pt(hist_n + i, *p10)));
        }
        d.push('Z');
        d
    });
    // One closed shape per run of consecutive history days that had a
    // forecast: a gap (no forecast that day) must not be bridged.
    let mut past_bands: Vec<String> = Vec::new();
    let mut run: Vec<(usize, f64, f64)> = Vec::new();
    let mut close = |run: &mut Vec<(usize, f64, f64)>| {
        if run.len() > 1 {
            let mut d = String::new();
            for (k, (i, _, p90)) in run.iter().enumerate() {
                let cmd = if k == 0 { "M" } else { "L" };
                d.push_str(&format!("{cmd}{} ", pt(*i, *p90)));
            }
            for (i, p10, _) in run.iter().rev() {
                d.push_str(&format!("L{} ", pt(*i, *p10)));
            }
            d.push('Z');
            past_bands.push(d);
        }
        run.clear();
    };
    for (i, band) in c.past.iter().take(hist_n).enumerate() {
        match band {
            Some((p10, p90)) => run.push((i, *p10, *p90)),
            None => close(&mut run),
        }
    }
    close(&mut run);
    // The divider sits halfway between the last actual and the first
    // forecast day.
    let divider = (hist_n > 0 && !c.forecast.is_empty())
        .then(|| fmt_coord((x(hist_n - 1) + x(hist_n)) / 2.0));
    let label = |i: usize| -> &str {
        if i < hist_n {
            &c.history[i].0
        } else {
            &c.forecast[i - hist_n].0
        }
    };
    html! {
        svg.chart.chart-forecast role="img" viewBox={ "0 0 " (W) " " (h) } preserveAspectRatio="xMidYMid meet" {
            title { (c.title) }
            desc { (c.description) }
            g.grid {
                @for t in &ticks {
                    line x1=(LEFT) x2=(W - RIGHT) y1=(fmt_coord(y(*t))) y2=(fmt_coord(y(*t))) {}
                    text.axis x=(LEFT - 8.0) y=(fmt_coord(y(*t) + 4.0)) text-anchor="end" { ((c.y_label)(*t)) }
                }
            }
            @for d in &past_bands {
                path.band.band-past d=(d) {}
            }
            @if let Some(d) = band {
                path.band d=(d) {}
            }
            @if let Some(dx) = &divider {
                line.divider x1=(dx) x2=(dx) y1=(TOP) y2=(TOP + plot_h) {}
                text.axis.divider-label x=(dx) y=(TOP + 12.0) dx="6" { "Forecast" }
            }
            @if hist_n > 1 {
                polyline.line points=(history_pts.join(" ")) {}
            }
            @if c.forecast.len() > 1 {
                polyline.line.forecast points=(forecast_pts.join(" ")) {}
            }
            @for (i, (l, p10, p50, p90)) in c.forecast.iter().enumerate() {
                circle.dot.forecast cx=(fmt_coord(x(hist_n + i))) cy=(fmt_coord(y(*p50))) r="3" {
                    title { (l) ": " ((c.y_label)(*p50)) " (" ((c.y_label)(*p10)) "–" ((c.y_label)(*p90)) ")" }
                }
            }
            g.xlabels {
                @for i in label_indices(n, 6) {
                    text.axis x=(fmt_coord(x(i))) y=(h - 8.0)
                        text-anchor=(if i == 0 { "start" } else if i + 1 == n { "end" } else { "middle" }) {
                        (label(i))
                    }
                }
            }
        }
    }
}

/// Renders a [`BarChart`].
pub fn bars(c: &BarChart<'_>) -> Markup {
    let h = 240.0;
    let left = 8.0;
    let plot_w = W - left - 8.0;
    let plot_h = h - TOP - BOTTOM - 14.0;
    let max = c.bars.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let top = if max > 0.0 { max } else { 1.0 };
    let n = c.bars.len().max(1);
    let slot = plot_w / n as f64;
    let bar_w = slot * 0.62;
    html! {
        svg.chart.chart-bars role="img" viewBox={ "0 0 " (W) " " (h) } preserveAspectRatio="xMidYMid meet" {
            title { (c.title) }
            desc { (c.description) }
            line.baseline x1=(left) x2=(W - 8.0) y1=(TOP + 14.0 + plot_h) y2=(TOP + 14.0 + plot_h) {}
            @for (i, (label, v)) in c.bars.iter().enumerate() {
                @let bh = plot_h * (v.max(0.0) / top);
                @let bx = left + slot * i as f64 + (slot - bar_w) / 2.0;
                @let by = TOP + 14.0 + plot_h - bh;
                g.bar {
                    rect x=(fmt_coord(bx)) y=(fmt_coord(by)) width=(fmt_coord(bar_w)) height=(fmt_coord(bh)) rx="4" {
                        title { (label) ": " ((c.value_label)(*v)) }
                    }
                    text.value x=(fmt_coord(bx + bar_w / 2.0)) y=(fmt_coord(by - 6.0)) text-anchor="middle" { ((c.value_label)(*v)) }
                    text.axis x=(fmt_coord(bx + bar_w / 2.0)) y=(h - 8.0) text-anchor="middle" { (label) }
                }
            }
        }
    }
}

/// One dish on the menu-engineering matrix.
pub struct MatrixPoint {
    pub label: String,
    /// Share of all units sold, 0..=1.
    pub popularity: f64,
    /// Contribution per unit sold.
    pub contribution: f64,
    /// `star`, `plowhorse`, `puzzle` or `dog`: the dot's CSS class.
    pub class: &'static str,
}

/// The menu-engineering matrix: popularity across, contribution per unit
/// up, the two thresholds splitting it into the four classic quadrants.
pub struct MatrixChart<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub points: &'a [MatrixPoint],
    pub popularity_threshold: f64,
    pub contribution_threshold: f64,
    pub x_label: &'a dyn Fn(f64) -> String,
    pub y_label: &'a dyn Fn(f64) -> String,
}

/// Renders a [`MatrixChart`]. Dots carry their dish in a `<title>`; names
/// are printed beside the dots when there are few enough to stay legible.
pub fn matrix(c: &MatrixChart<'_>) -> Markup {
    let h = 420.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = h - TOP - BOTTOM;
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let x_max = c
        .points
        .iter()
        .map(|p| finite(p.popularity))
        .fold(finite(c.popularity_threshold) * 2.0, f64::max)
        .max(0.01)
        * 1.08;
    let y_ticks = nice_ticks(
        c.points
            .iter()
            .map(|p| finite(p.contribution))
            .fold(finite(c.contribution_threshold) * 1.5, f64::max),
        4,
    );
    let y_top = y_ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let y_min = c
        .points
        .iter()
        .map(|p| finite(p.contribution))
        .fold(0.0, f64::min);
    let y_span = (y_top - y_min).max(1e-9);
    let x = |v: f64| LEFT + plot_w * (finite(v) / x_max).clamp(0.0, 1.0);
    let y = |v: f64| TOP + plot_h * (1.0 - ((finite(v) - y_min) / y_span).clamp(0.0, 1.0));
    let tx = x(c.popularity_threshold);
    let ty = y(c.contribution_threshold);
    let named = c.points.len() <= 24;
    html! {
        svg.chart.chart-matrix role="img" viewBox={ "0 0 " (W) " " (h) } preserveAspectRatio="xMidYMid meet" {
            title { (c.title) }
            desc { (c.description) }
            g.grid {
                @for t in &y_ticks {
                    line x1=(LEFT) x2=(W - RIGHT) y1=(fmt_coord(y(*t))) y2=(fmt_coord(y(*t))) {}
                    text.axis x=(LEFT - 6.0) y=(fmt_coord(y(*t) + 4.0)) text-anchor="end" { ((c.y_label)(*t)) }
                }
            }
            line.threshold x1=(fmt_coord(tx)) x2=(fmt_coord(tx)) y1=(TOP) y2=(TOP + plot_h) {}
            line.threshold x1=(LEFT) x2=(W - RIGHT) y1=(fmt_coord(ty)) y2=(fmt_coord(ty)) {}
            text.quadrant x=(W - RIGHT - 6.0) y=(TOP + 14.0) text-anchor="end" { "Stars" }
            text.quadrant x=(W - RIGHT - 6.0) y=(TOP + plot_h - 6.0) text-anchor="end" { "Plowhorses" }
            text.quadrant x=(LEFT + 6.0) y=(TOP + 14.0) { "Puzzles" }
            text.quadrant x=(LEFT + 6.0) y=(TOP + plot_h - 6.0) { "Dogs" }
            text.axis x=(fmt_coord(tx)) y=(h - 8.0) text-anchor="middle" { ((c.x_label)(c.popularity_threshold)) }
            text.axis x=(W - RIGHT) y=(h - 8.0) text-anchor="end" { "popularity →" }
            @for p in c.points {
                g class={ "dish " (p.class) } {
                    circle.dot cx=(fmt_coord(x(p.popularity))) cy=(fmt_coord(y(p.contribution))) r="6" {
                        title { (p.label) ": " ((c.x_label)(p.popularity)) " of units, " ((c.y_label)(p.contribution)) " per plate" }
                    }
                    @if named {
                        text.name x=(fmt_coord(x(p.popularity) + 9.0)) y=(fmt_coord(y(p.contribution) + 4.0)) { (p.label) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(
            nice_ticks(87.0, 4),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(4.0, 4), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        let unit = nice_ticks(0.0, 4);
        assert!(unit.len() <= 6 && unit.last().copied().unwrap_or_default() >= 1.0);
        let t = nice_ticks(12345.0, 4);
        assert!(t.last().copied().unwrap_or_default() >= 12345.0);
    }

    #[test]
    fn labels_include_both_ends() {
        assert_eq!(label_indices(3, 6), vec![0, 1, 2]);
        let l = label_indices(90, 6);
        assert_eq!((l[0], *l.last().unwrap_or(&0), l.len()), (0, 89, 6));
        assert!(label_indices(0, 6).is_empty());
    }

    #[test]
    fn line_chart_draws_band_and_escapes_labels() {
        let pts = vec![("<b>".to_string(), 1.0), ("b".to_string(), 3.0)];
        let band = vec![(0.5, 1.5), (2.0, 4.0)];
        let svg = line(&LineChart {
            title: "Sales",
            description: "d",
            points: &pts,
            band: Some(&band),
            y_label: &|v| format!("{v}"),
        })
        .into_string();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<path class=\"band\""));
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn bar_chart_has_one_bar_per_category() {
        let b: Vec<_> = ["Mon", "Tue"]
            .iter()
            .map(|d| (d.to_string(), 2.0))
            .collect();
        let svg = bars(&BarChart {
            title: "t",
            description: "d",
            bars: &b,
            value_label: &|v| format!("{v}"),
        })
        .into_string();
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn matrix_places_dishes_in_their_quadrants_and_escapes_names() {
        let points = vec![
            MatrixPoint {
                label: "<Star>".into(),
                popularity: 0.5,
                contribution: 15.0,
                class: "star",
            },
            MatrixPoint {
                label: "Dog".into(),
                popularity: 0.05,
                contribution: 2.0,
                class: "dog",
            },
        ];
        let svg = matrix(&MatrixChart {
            title: "Menu",
            description: "d",
            points: &points,
            popularity_threshold: 0.175,
            contribution_threshold: 9.7,
            x_label: &|v| format!("{v}"),
            y_label: &|v| format!("{v}"),
        })
        .into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("class=\"threshold\"").count(), 2);
        assert!(svg.contains("&lt;Star&gt;") && !svg.contains("<Star>"));
        // The star is right of and above the dog.
        let cx = |class: &str| {
            let at = svg.find(&format!("class=\"dish {class}\"")).expect("dish");
            let rest = &svg[at..];
            let num = |attr: &str| -> f64 {
                let i = rest.find(attr).expect("attr") + attr.len();
                rest[i..]
                    .split('"')
                    .next()
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0.0)
            };
            (num("cx=\""), num("cy=\""))
        };
        let (sx, sy) = cx("star");
        let (dx, dy) = cx("dog");
        assert!(sx > dx && sy < dy, "star ({sx},{sy}) dog ({dx},{dy})");
    }

    #[test]
    fn forecast_chart_draws_history_band_and_divider() {
        let hist: Vec<_> = (0..5).map(|i| (format!("d{i}"), i as f64)).collect();
        let fc = vec![
            ("f0".to_string(), 2.0, 4.0, 6.0),
            ("<f1>".to_string(), 3.0, 5.0, 8.0),
        ];
        let svg = forecast(&ForecastChart {
            title: "Dish",
            description: "d",
            history: &hist,
            forecast: &fc,
            past: &[],
            y_label: &|v| format!("{v}"),
        })
        .into_string();
        assert!(svg.contains("<path class=\"band\""));
        assert!(
            !svg.contains("band-past"),
            "no past forecasts, no past band"
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("class=\"line forecast\""));
        assert!(svg.contains("class=\"divider\""));
        assert!(svg.contains("&lt;f1&gt;") && !svg.contains("<f1>"));
        // A forecast without history still draws its band, and no divider.
        let alone = forecast(&ForecastChart {
            title: "t",
            description: "d",
            history: &[],
            forecast: &fc,
            past: &[],
            y_label: &|v| format!("{v}"),
        })
        .into_string();
        assert!(alone.contains("class=\"band\"") && !alone.contains("divider"));
    }

    #[test]
    fn past_forecasts_are_drawn_as_a_band_per_unbroken_run_of_days() {
        let hist: Vec<_> = (0..6).map(|i| (format!("d{i}"), 5.0)).collect();
        let past = [
            Some((3.0, 7.0)),
            Some((3.0, 8.0)),
            None,
            Some((2.0, 6.0)),
            Some((2.0, 9.0)),
            Some((1.0, 12.0)),
        ];
        let svg = forecast(&ForecastChart {
            title: "t",
            description: "d",
            history: &hist,
            forecast: &[],
            past: &past,
            y_label: &|v| format!("{v}"),
        })
        .into_string();
        assert_eq!(svg.matches("class=\"band band-past\"").count(), 2, "{svg}");
        // The axis reaches the highest past p90.
        assert!(
            svg.contains(">12<") || svg.contains(">15<") || svg.contains(">20<"),
            "{svg}"
        );
    }
}
