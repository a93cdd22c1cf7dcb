//! Inline SVG charts for the HTML report, drawn here (no script, no external file): the
//! class and status bars, a bar per family and the trend. Colours come from the page's
//! stylesheet (`.s-pass`, `.s-fail`, ...); every chart has a `<title>` for screen readers.

use std::fmt::Write as _;

use super::{FamilySummary, TrendPoint};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One horizontal bar split into segments `(label, value, css class)`.
pub fn stacked_bar(title: &str, segments: &[(&str, usize, &str)], width: u32) -> String {
    let total: usize = segments.iter().map(|s| s.1).sum();
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {width} 28" width="{width}" height="28" aria-label="{t}"><title>{t}</title>"#,
        t = esc(title)
    );
    let mut x = 0.0_f64;
    for (label, value, class) in segments.iter().filter(|s| s.1 > 0) {
        let w = *value as f64 / total.max(1) as f64 * f64::from(width);
        let _ = write!(
            out,
            r#"<rect class="{class}" x="{x:.1}" y="0" width="{w:.1}" height="28"><title>{}: {value}</title></rect>"#,
            esc(label)
        );
        x += w;
    }
    if total == 0 {
        let _ = write!(
            out,
            r#"<rect class="s-none" x="0" y="0" width="{width}" height="28"/>"#
        );
    }
    out.push_str("</svg>");
    out
}

/// A bar per family: pass, fail and not assessed of its assessed controls, then the rest.
pub fn families(families: &[FamilySummary]) -> String {
    let row = 18;
    let label_w = 44.0;
    let bar_w = 520.0;
    let max = families
        .iter()
        .map(|f| f.counts.controls)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let h = families.len() * row + 4;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 640 {h}" width="640" height="{h}" aria-label="Controls per family by status"><title>Controls per family by status</title>"#
    );
    for (i, f) in families.iter().enumerate() {
        let y = i * row;
        let c = &f.counts;
        let _ = write!(
            out,
            r#"<text x="0" y="{}" class="axis">{}</text>"#,
            y + 13,
            esc(&f.id)
        );
        let rest = c.controls - c.pass - c.fail - c.not_assessed;
        let mut x = label_w;
        for (n, class, what) in [
            (c.pass, "s-pass", "pass"),
            (c.fail, "s-fail", "fail"),
            (c.not_assessed, "s-na", "not assessed"),
            (rest, "s-other", "not assessed by rules"),
        ] {
            if n == 0 {
                continue;
            }
            let w = n as f64 / max * bar_w;
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{x:.1}" y="{}" width="{w:.1}" height="{}"><title>{} {what}: {n}</title></rect>"#,
                y + 2,
                row - 4,
                esc(&f.id)
            );
            x += w;
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" class="axis">{}</text>"#,
            x + 4.0,
            y + 13,
            c.controls
        );
    }
    out.push_str("</svg>");
    out
}

/// Pass, fail and not-assessed controls over the trend's points, as lines.
pub fn trend(points: &[TrendPoint]) -> String {
    let (w, h, pad) = (640.0_f64, 160.0_f64, 24.0_f64);
    let series: Vec<[usize; 3]> = points
        .iter()
        .map(|p| {
            p.families.values().fold([0, 0, 0], |a, c| {
                [a[0] + c.pass, a[1] + c.fail, a[2] + c.not_assessed]
            })
        })
        .collect();
    let max = series.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="Assessed controls over the last {} scans"><title>Assessed controls over the last {} scans</title>"#,
        points.len(),
        points.len()
    );
    let _ = write!(
        out,
        r#"<line class="axis-line" x1="{pad}" y1="{y}" x2="{x2}" y2="{y}"/><text class="axis" x="0" y="{ty}">{max}</text><text class="axis" x="0" y="{y}">0</text>"#,
        y = h - pad,
        x2 = w - pad,
        ty = pad,
        max = max as usize
    );
    let step = if series.len() > 1 {
        (w - 2.0 * pad) / (series.len() - 1) as f64
    } else {
        0.0
    };
    for (k, class, what) in [
        (0, "l-pass", "pass"),
        (1, "l-fail", "fail"),
        (2, "l-na", "not assessed"),
    ] {
        let pts: Vec<String> = series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let x = pad + step * i as f64;
                let y = h - pad - s[k] as f64 / max * (h - 2.0 * pad);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let last = series.last().map(|s| s[k]).unwrap_or(0);
        let _ = write!(
            out,
            r#"<polyline class="{class}" points="{}"><title>{what}: {last} now</title></polyline>"#,
            pts.join(" ")
        );
    }
    out.push_str("</svg>");
    out
}

/// A family's failing controls over the trend, as a small line.
pub fn sparkline(values: &[usize]) -> String {
    let (w, h) = (80.0_f64, 18.0_f64);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f64
    } else {
        0.0
    };
    let pts: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                step * i as f64,
                h - 1.0 - *v as f64 / max * (h - 2.0)
            )
        })
        .collect();
    format!(
        r#"<svg class="spark" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="failing controls over the last {n} scans: {list}"><title>failing controls over the last {n} scans: {list}</title><polyline class="l-fail" points="{}"/></svg>"#,
        pts.join(" "),
        n = values.len(),
        list = values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}
