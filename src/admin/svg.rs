//! Charts as server-rendered SVG: readable without JavaScript, styled by the
//! site's stylesheet (no inline styles, so the strict CSP holds), with the
//! same numbers in an accessible table beside them.

/// Escapes text for SVG/XML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub values: Vec<i64>,
}

/// Stacked bars, one per label, with a legend and a light value grid.
pub fn stacked_bars(title: &str, labels: &[String], series: &[Series]) -> String {
    let (w, h, left, bottom, top) = (760.0, 260.0, 44.0, 34.0, 26.0);
    let n = labels.len().max(1);
    let totals: Vec<i64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    let plot_h = h - bottom - top;
    let slot = (w - left - 8.0) / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut out = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for i in 0..=4 {
        let y = top + plot_h - plot_h * i as f64 / 4.0;
        let v = (max * i as f64 / 4.0).round() as i64;
        out.push_str(&format!(r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"#, w - 4.0, left - 6.0, y + 4.0));
    }
    for (i, label) in labels.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = top + plot_h;
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0);
            let bh = plot_h * v as f64 / max;
            if v > 0 {
                y -= bh;
                out.push_str(&format!(r#"<rect class="{}" x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{bh:.1}"><title>{} {}: {v}</title></rect>"#, s.class, esc(label), esc(s.name)));
            }
        }
        // Label every bar when few, otherwise about ten of them.
        let every = (n / 10).max(1);
        if i % every == 0 {
            out.push_str(&format!(
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + bar / 2.0,
                h - bottom + 16.0,
                esc(label)
            ));
        }
    }
    let mut lx = left;
    for s in series {
        out.push_str(&format!(r#"<rect class="{}" x="{lx:.1}" y="4" width="12" height="12"/><text class="legend" x="{:.1}" y="15">{}</text>"#, s.class, lx + 16.0, esc(s.name)));
        lx += 24.0 + 14.0 * s.name.chars().count() as f64;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_text_is_escaped() {
        let svg = stacked_bars(
            "a<b",
            &["1".into(), "2".into()],
            &[Series {
                name: "x&y",
                class: "s1",
                values: vec![5, 10],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
        assert!(
            svg.contains(r#"height="200.0""#),
            "the tallest bar fills the plot"
        );
        assert!(
            svg.contains(r#"height="100.0""#),
            "half the value, half the height"
        );
    }
}
