//! The venue map of the simulation report: the walkable area to scale (x right, y up), a
//! per-cell layer over it (peak density by Fruin level, time at level E or worse, or the
//! density at one moment), sampled agent paths, exits and measurement lines with labels
//! that never cover each other, the peak cell, a scale bar and the coordinate ranges.

use std::fmt::Write as _;

use aman_analysis::los::FruinLevel;

use crate::html::{esc, fmt_time, isolate};
use crate::simulation::{
    DensityReport, PAGE_PX, ReportInput, SnapshotReport, peak_at_start, series_hex,
};

/// Maps metres to map pixels: x to the right, y up, equal scale on both axes.
pub(crate) struct MapTransform {
    pub(crate) min_x: f64,
    pub(crate) max_y: f64,
    pub(crate) scale: f64,
    /// x of `min_x`, px.
    pub(crate) left: f64,
    /// y of `max_y`, px.
    pub(crate) top: f64,
}

impl MapTransform {
    pub(crate) fn x(&self, x: f64) -> f64 {
        self.left + (x - self.min_x) * self.scale
    }
    pub(crate) fn y(&self, y: f64) -> f64 {
        self.top + (self.max_y - y) * self.scale
    }
    pub(crate) fn pt(&self, p: [f64; 2]) -> String {
        format!("{:.1},{:.1}", self.x(p[0]), self.y(p[1]))
    }
}

/// A "nice" length for a scale bar: 1, 2 or 5 × 10^k, at most `max`.
pub(crate) fn nice_length(max: f64) -> f64 {
    let base = 10f64.powf(max.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * base)
        .find(|&l| l <= max)
        .unwrap_or(base)
}

/// Margin around the venue drawing, px.
pub(crate) const MAP_PAD: f64 = 24.0;
/// Room below the venue drawing for the scale bar and the coordinate ranges, px (one more
/// line is added when the ranges do not fit on one).
pub(crate) const MAP_BELOW: f64 = 62.0;
/// Smallest width of the map, px, so that the scale bar and the coordinate ranges fit below a
/// very narrow venue (which is then centred).
pub(crate) const MAP_MIN_W: f64 = 280.0;
/// Height of the map when its height binds, px.
pub(crate) const MAP_MAX_H: f64 = 900.0;
/// The shorter side of the venue drawing is at least this long, px, when the aspect allows.
pub(crate) const MAP_MIN_SIDE: f64 = 400.0;
/// Height a tall map may grow to so that its narrow side reaches [`MAP_MIN_SIDE`], px.
pub(crate) const MAP_TALL_H: f64 = 1700.0;
/// Height of a snapshot map at most, px: smaller than the main maps, so that snapshots of a
/// tall venue stand side by side.
pub(crate) const SNAPSHOT_MAX_H: f64 = 600.0;
/// Agent paths drawn on the map, at most.
pub(crate) const MAX_DRAWN_PATHS: usize = 150;
/// Distance kept between a label and the edge of the map, px.
pub(crate) const LABEL_MARGIN: f64 = 4.0;
/// White outline that keeps map labels readable on any background.
pub(crate) const HALO: &str =
    "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3.5\" stroke-linejoin=\"round\"";
/// Fill of cells evaluated and never occupied.
pub(crate) const NEVER_OCCUPIED: &str = "#e9e9e9";
/// CSS background of the legend swatch for the hatched walkable-area background, which shows
/// through cells not evaluated.
pub(crate) const HATCH_CSS: &str =
    "background:repeating-linear-gradient(-45deg,#f7f7f7 0 3.5px,#c4c4c4 3.5px 5px)";

/// Pixels per metre for a venue `w` × `h` m: as large as fits [`PAGE_PX`] wide and
/// [`MAP_MAX_H`] tall (whichever binds); then, if the shorter side is under
/// [`MAP_MIN_SIDE`] px, enlarged up to that, as far as the page width and [`MAP_TALL_H`] allow.
pub(crate) fn map_scale(w: f64, h: f64) -> f64 {
    let avail_w = PAGE_PX - 2.0 * MAP_PAD;
    let avail_h = MAP_MAX_H - MAP_PAD - MAP_BELOW;
    let tall_h = MAP_TALL_H - MAP_PAD - MAP_BELOW;
    let fit = (avail_w / w).min(avail_h / h);
    let min_side = MAP_MIN_SIDE / w.min(h);
    let limit = (avail_w / w).min(tall_h / h);
    fit.max(min_side.min(limit))
}

/// Estimated width of `text` in px at `font_px` in a sans-serif font, a little generous so
/// that labels placed with it stay on the map. Bidi controls take no room.
pub(crate) fn text_width(text: &str, font_px: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => 0.0,
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' => 0.3,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
            'm' | 'w' | 'M' | 'W' | '@' | '%' | '…' => 0.95,
            c if c.is_ascii_uppercase() => 0.72,
            c if c.is_ascii() => 0.6,
            '\u{1100}'..='\u{115f}'
            | '\u{2e80}'..='\u{a4cf}'
            | '\u{ac00}'..='\u{d7a3}'
            | '\u{f900}'..='\u{faff}'
            | '\u{ff00}'..='\u{ff60}'
            | '\u{1f300}'..='\u{1faff}' => 1.0,
            _ => 0.7,
        })
        .sum();
    em * font_px * if bold { 1.08 } else { 1.0 }
}

/// Left end of a label `text_w` px wide centred at `cx`, moved so that it lies on a map
/// `width` px wide (at the left margin if it is wider than the map).
pub(crate) fn label_left(cx: f64, text_w: f64, width: f64) -> f64 {
    (cx - text_w / 2.0)
        .min(width - LABEL_MARGIN - text_w)
        .max(LABEL_MARGIN)
}

/// Places the labels of a map `width` × `height` px: each inside the map, and away from the
/// labels placed before it where there is room.
pub(crate) struct LabelPlacer {
    width: f64,
    height: f64,
    /// Boxes of the labels placed so far, `[x0, y0, x1, y1]` px.
    boxes: Vec<[f64; 4]>,
}

impl LabelPlacer {
    pub(crate) fn new(width: f64, height: f64) -> Self {
        LabelPlacer {
            width,
            height,
            boxes: Vec::new(),
        }
    }

    /// A label `text` centred at `at.0` with its baseline at `at.1`, moved (and shrunk if it
    /// is wider than the map) so that it stays on the map and never covers a label placed
    /// before: first up or down by a few lines, then sideways, then the nearest free place
    /// anywhere on the map. A label moved more than two lines away gets a thin leader line
    /// to its place. `style` holds the font weight and fill attributes.
    pub(crate) fn place(&mut self, text: &str, at: (f64, f64), font: f64, style: &str) -> String {
        let room = self.width - 2.0 * LABEL_MARGIN;
        let natural = text_width(text, font, true);
        let font = if natural > room {
            (font * room / natural).max(7.0)
        } else {
            font
        };
        let w = text_width(text, font, true);
        let x0 = label_left(at.0, w, self.width);
        let clamp_y = |y: f64| y.clamp(font + 2.0, (self.height - 4.0).max(font + 2.0));
        let bounds = |x: f64, y: f64| [x, y - font, x + w, y + 0.3 * font];
        let free = |b: &[f64; 4]| {
            self.boxes
                .iter()
                .all(|o| b[2] <= o[0] || o[2] <= b[0] || b[3] <= o[1] || o[3] <= b[1])
        };
        let step = font + 3.0;
        let near = [0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0]
            .into_iter()
            .flat_map(|k| [0.0, -0.6, 0.6, -1.2, 1.2].into_iter().map(move |j| (j, k)))
            .map(|(j, k)| {
                (
                    label_left(at.0 + j * w, w, self.width),
                    clamp_y(at.1 + k * step),
                )
            });
        // Everywhere else, nearest first: a grid of places a line apart.
        let mut far: Vec<(f64, f64)> = Vec::new();
        let rows = ((self.height / step).ceil() as usize).max(1);
        let cols = ((self.width / (w / 2.0).max(8.0)).ceil() as usize).max(1);
        for r in 0..=rows {
            for c in 0..=cols {
                let x = label_left(c as f64 * w / 2.0 + w / 2.0, w, self.width);
                far.push((x, clamp_y(font + 2.0 + r as f64 * step)));
            }
        }
        let dist = |p: &(f64, f64)| (p.0 + w / 2.0 - at.0).hypot(p.1 - at.1);
        far.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
        let (x, y) = near
            .chain(far)
            .find(|&(x, y)| free(&bounds(x, y)))
            .unwrap_or((x0, clamp_y(at.1)));
        self.boxes.push(bounds(x, y));
        let mut out = String::new();
        if (y - at.1).abs() > 2.5 * step || (x + w / 2.0 - at.0).abs() > w {
            let lx = at.0.clamp(x, x + w);
            let ly = if at.1 < y { y - font } else { y + 0.3 * font };
            let _ = writeln!(
                out,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{lx:.1}\" y2=\"{ly:.1}\" stroke=\"#333\" stroke-width=\"0.8\"/>",
                at.0,
                at.1 + 6.0
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{font:.1}\" text-anchor=\"start\" {style} {HALO}>{}</text>",
            esc(text)
        );
        out
    }
}

/// Area enclosed by the walkable rings (the outer one minus the holes), m²; `None` if they
/// enclose none.
pub(crate) fn walkable_m2(rings: &[Vec<[f64; 2]>]) -> Option<f64> {
    let ring_area = |r: &Vec<[f64; 2]>| {
        let pts: Vec<&[f64; 2]> = r
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .collect();
        let n = pts.len();
        (0..n)
            .map(|i| {
                let (a, b) = (pts[i], pts[(i + 1) % n]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f64>()
            .abs()
            / 2.0
    };
    let mut it = rings.iter().filter(|r| r.len() >= 3);
    let outer = ring_area(it.next()?);
    let area = outer - it.map(ring_area).sum::<f64>();
    (area.is_finite() && area > 0.0).then_some(area)
}

/// How many of `available` agent paths the map draws.
pub(crate) fn drawn_paths(available: usize) -> usize {
    available.min(MAX_DRAWN_PATHS)
}

/// Stroke width (px) and opacity of `n` agent paths drawn over `area_px` px² of map: thinner
/// and fainter the more paths share the area, so that they do not hide the densities.
pub(crate) fn path_style(n: usize, area_px: f64) -> (f64, f64) {
    let per_10k_px = n as f64 * 1.0e4 / area_px.max(1.0);
    let k = per_10k_px.sqrt().max(1e-9);
    ((0.8 / k).clamp(0.3, 0.8), (0.3 / k).clamp(0.1, 0.4))
}

/// What the cells of a venue map show.
#[derive(Clone, Copy)]
pub(crate) enum Layer<'a> {
    /// The peak density of each cell by Fruin level, with the agents' paths and the peak cell.
    PeakLos,
    /// The time each cell spent at Fruin level E or worse, in classes of [`TIME_AT_E_CLASSES`].
    TimeAtE,
    /// The density of each cell at one moment, by Fruin level; the number tells the
    /// snapshots of one page apart (ids of clip paths and patterns).
    Snapshot(&'a SnapshotReport, usize),
}

impl Layer<'_> {
    /// Suffix of the SVG ids of this layer's map, so that several maps on one page do not
    /// share ids (a `url(#id)` resolves to the first element of the page with that id).
    fn id_suffix(&self) -> String {
        match self {
            Layer::PeakLos => String::new(),
            Layer::TimeAtE => "-los-e".to_string(),
            Layer::Snapshot(_, k) => format!("-snapshot-{k}"),
        }
    }
}

/// Classes of the time-at-E map: upper bound in s (exclusive; the last is open) and colour.
pub(crate) const TIME_AT_E_CLASSES: [(f64, &str); 6] = [
    (10.0, "#fee391"),
    (30.0, "#fec44f"),
    (60.0, "#fe9929"),
    (120.0, "#ec7014"),
    (300.0, "#cc4c02"),
    (f64::INFINITY, "#662506"),
];

/// Fill of a cell of the time-at-E map: grey for 0 s, a class colour above; `None` for a
/// cell not evaluated.
pub(crate) fn time_at_e_fill(v: f64) -> Option<&'static str> {
    if v == 0.0 {
        Some(NEVER_OCCUPIED)
    } else if v.is_finite() && v > 0.0 {
        TIME_AT_E_CLASSES
            .iter()
            .find(|(upper, _)| v < *upper)
            .map(|(_, c)| *c)
    } else {
        None
    }
}

/// The venue map with the peak-density layer, as an SVG string; `None` if there is nothing
/// with coordinates to draw.
pub(crate) fn venue_map(input: &ReportInput) -> Option<String> {
    layered_map(input, Layer::PeakLos)
}

/// The venue map with `layer` over the walkable area, as an SVG string; `None` if there is
/// nothing with coordinates to draw.
pub(crate) fn layered_map(input: &ReportInput, layer: Layer) -> Option<String> {
    // Extent of everything drawn.
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    let mut grow = |p: &[f64; 2]| {
        if p[0].is_finite() && p[1].is_finite() {
            for i in 0..2 {
                lo[i] = lo[i].min(p[i]);
                hi[i] = hi[i].max(p[i]);
            }
        }
    };
    input.walkable_area.iter().flatten().for_each(&mut grow);
    input
        .exits
        .iter()
        .flat_map(|e| e.polygon.iter())
        .for_each(&mut grow);
    input
        .lines
        .iter()
        .flat_map(|l| l.segment.iter())
        .for_each(&mut grow);
    if input.walkable_area.is_empty() {
        input.paths.iter().flatten().for_each(&mut grow);
    }
    if !(lo[0].is_finite() && lo[1].is_finite()) {
        return None;
    }
    let (w, hgt) = ((hi[0] - lo[0]).max(1e-3), (hi[1] - lo[1]).max(1e-3));
    let pad = MAP_PAD;
    let mut scale = map_scale(w, hgt);
    if matches!(layer, Layer::Snapshot(..)) {
        scale = scale.min((SNAPSHOT_MAX_H - pad - MAP_BELOW) / hgt);
    }
    let width = (w * scale + 2.0 * pad).max(MAP_MIN_W);
    let tf = MapTransform {
        min_x: lo[0],
        max_y: hi[1],
        scale,
        left: (width - w * scale) / 2.0,
        top: pad,
    };
    // Below the venue: the scale bar on one line, the coordinate ranges on the next (or on
    // two, x and y, if one line would not fit the width).
    let x_range = format!("x ({:.1} … {:.1} m) →", lo[0], hi[0]);
    let y_range = format!("y ({:.1} … {:.1} m) ↑", lo[1], hi[1]);
    let one_line = format!("{x_range}, {y_range}");
    let range_lines = if text_width(&one_line, 12.0, false) <= width - 2.0 * LABEL_MARGIN {
        vec![one_line]
    } else {
        vec![x_range, y_range]
    };
    let bar_y = pad + hgt * scale + 28.0; // bottom of the scale bar
    let height = bar_y + 22.0 + 18.0 * (range_lines.len() - 1) as f64 + 12.0;

    let mut s = String::with_capacity(32 * 1024);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"system-ui,sans-serif\" \
         role=\"img\" aria-label=\"Map of the venue with peak densities\">"
    );
    s.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");

    // Walkable area: outer ring and holes in one even–odd path, so holes stay white. With a
    // density grid, the area is hatched: that shows through the cells not evaluated, while
    // cells evaluated and never occupied are filled plain grey.
    let area_path: String = input
        .walkable_area
        .iter()
        .filter(|r| r.len() >= 3)
        .map(|r| {
            let pts: Vec<String> = r
                .iter()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .map(|p| tf.pt(*p))
                .collect();
            format!("M{}Z", pts.join("L"))
        })
        .collect();
    let has_area = !area_path.is_empty();
    let density = input.density.as_ref().filter(|d| heat_map_drawable(d));
    let id = layer.id_suffix();
    if has_area {
        let fill = if density.is_some() {
            format!("url(#not-evaluated{id})")
        } else {
            NEVER_OCCUPIED.to_string()
        };
        let _ = writeln!(
            s,
            "<defs><clipPath id=\"walkable{id}\"><path d=\"{area_path}\" clip-rule=\"evenodd\"/></clipPath>\
             <pattern id=\"not-evaluated{id}\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" \
             patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#f7f7f7\"/>\
             <rect width=\"1.5\" height=\"5\" fill=\"#c4c4c4\"/></pattern></defs>\n\
             <path d=\"{area_path}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"none\"/>"
        );
    }

    // The cells of the layer; runs of equal colour merged.
    if let Some(d) = density {
        match layer {
            Layer::PeakLos => heat_map(&mut s, d, &tf, has_area),
            Layer::TimeAtE => {
                if d.time_at_e.len() == d.peak.len() {
                    heat_layer(
                        &mut s,
                        d,
                        &d.time_at_e,
                        &time_at_e_fill,
                        &tf,
                        has_area.then_some(&id),
                    );
                }
            }
            Layer::Snapshot(snap, _) => {
                let mut values: Vec<f64> = d
                    .peak
                    .iter()
                    .map(|&p| if p.is_nan() { f64::NAN } else { 0.0 })
                    .collect();
                for &(i, v) in &snap.cells {
                    if let Some(x) = values.get_mut(i as usize) {
                        *x = f64::from(v);
                    }
                }
                heat_layer(
                    &mut s,
                    d,
                    &values,
                    &|v| CellFill::of(v).map(CellFill::colour),
                    &tf,
                    has_area.then_some(&id),
                );
            }
        }
    }

    // Walls on top of the heat map.
    if has_area {
        let _ = writeln!(
            s,
            "<path d=\"{area_path}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\" stroke-linejoin=\"round\"/>"
        );
    }

    // Agent paths: at most MAX_DRAWN_PATHS, chosen evenly, thinned to about one point per
    // pixel; the more per area, the thinner and fainter.
    let available = if matches!(layer, Layer::PeakLos) {
        input.paths.len()
    } else {
        0
    };
    let n_drawn = drawn_paths(available);
    if n_drawn > 0 {
        let area_px = walkable_m2(&input.walkable_area).unwrap_or(w * hgt) * scale * scale;
        let (stroke_w, opacity) = path_style(n_drawn, area_px);
        let _ = writeln!(
            s,
            "<g fill=\"none\" stroke=\"#1b1b1b\" stroke-opacity=\"{opacity:.2}\" \
             stroke-width=\"{stroke_w:.2}\" stroke-linejoin=\"round\">"
        );
        for i in 0..n_drawn {
            let path = &input.paths[i * available / n_drawn];
            let mut pts: Vec<(f64, f64)> = Vec::new();
            for p in path.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
                let q = (tf.x(p[0]), tf.y(p[1]));
                match pts.last() {
                    Some(l) if (q.0 - l.0).hypot(q.1 - l.1) < 1.0 => {}
                    _ => pts.push(q),
                }
            }
            if pts.len() >= 2 {
                let d: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                let _ = writeln!(s, "<polyline points=\"{}\"/>", d.join(" "));
            }
        }
        s.push_str("</g>\n");
    }

    // Exits and their labels.
    let mut labels = LabelPlacer::new(width, height);
    for (k, e) in input.exits.iter().enumerate() {
        let pts: Vec<String> = e
            .polygon
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .map(|p| tf.pt(*p))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"#000\" stroke-width=\"1\"/>",
            pts.join(" "),
            series_hex(k)
        );
        let (cx, cy) = centroid(&e.polygon);
        s.push_str(&labels.place(
            &format!("{} ({})", isolate(&e.name), e.agents),
            (tf.x(cx), tf.y(cy) - 8.0),
            13.0,
            &format!("font-weight=\"700\" fill=\"{}\"", series_hex(k)),
        ));
    }

    // Measurement lines.
    for (k, l) in input.lines.iter().enumerate() {
        let [a, b] = l.segment;
        if !(a.iter().chain(b.iter()).all(|v| v.is_finite())) {
            continue;
        }
        let colour = series_hex(input.exits.len() + k);
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"3\" \
             stroke-dasharray=\"8 5\" stroke-linecap=\"round\"/>",
            tf.x(a[0]),
            tf.y(a[1]),
            tf.x(b[0]),
            tf.y(b[1])
        );
        s.push_str(&labels.place(
            &isolate(&l.name),
            (tf.x((a[0] + b[0]) / 2.0), tf.y((a[1] + b[1]) / 2.0) - 7.0),
            12.0,
            &format!("font-weight=\"600\" fill=\"{colour}\""),
        ));
    }

    // The peak cell, labelled to its right, else to its left, else wherever it fits.
    let peak = input.density.as_ref().filter(|d| {
        matches!(layer, Layer::PeakLos)
            && d.peak_density.is_finite()
            && d.peak_density > 0.0
            && d.peak_at.iter().all(|v| v.is_finite())
    });
    if let Some(d) = peak {
        let half = d.cell / 2.0;
        let (x, y) = (tf.x(d.peak_at[0] - half), tf.y(d.peak_at[1] + half));
        let side = (d.cell * scale).max(6.0);
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{side:.1}\" height=\"{side:.1}\" fill=\"none\" \
             stroke=\"#000\" stroke-width=\"2.5\"/>"
        );
        let text = format!(
            "peak {:.2} /m² at {}{}",
            d.peak_density,
            fmt_time(d.peak_time),
            if peak_at_start(d.peak_time) {
                " (start)"
            } else {
                ""
            }
        );
        let tw = text_width(&text, 12.0, true);
        let cx = if x + side + 4.0 + tw <= width - LABEL_MARGIN {
            x + side + 4.0 + tw / 2.0
        } else if x - 4.0 - tw >= LABEL_MARGIN {
            x - 4.0 - tw / 2.0
        } else {
            x + side / 2.0
        };
        s.push_str(&labels.place(&text, (cx, y - 4.0), 12.0, "font-weight=\"700\""));
    }

    // Scale bar, and the coordinate ranges below it.
    let bar_m = nice_length(160.0 / scale);
    let bar_px = bar_m * scale;
    let bx = pad;
    let _ = write!(
        s,
        "<g font-size=\"12\"><rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#333\"/>\
         <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#fff\" stroke=\"#333\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\">{} m</text>",
        bar_y - 5.0,
        bar_px / 2.0,
        bx + bar_px / 2.0,
        bar_y - 5.0,
        bar_px / 2.0,
        bx + bar_px + 6.0,
        bar_y + 1.0,
        fmt_len(bar_m),
    );
    for (i, line) in range_lines.iter().enumerate() {
        let _ = write!(
            s,
            "<text class=\"ranges\" x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">{}</text>",
            LABEL_MARGIN.max(pad.min((width - text_width(line, 12.0, false)) / 2.0)),
            bar_y + 22.0 + 18.0 * i as f64,
            esc(line)
        );
    }
    s.push_str("</g>\n</svg>\n");
    Some(s)
}

/// A scale-bar length without trailing zeros.
pub(crate) fn fmt_len(m: f64) -> String {
    if m >= 1.0 {
        format!("{m:.0}")
    } else {
        format!("{m}")
    }
}

/// Vertex average of a polygon (enough to place a label), ignoring a closing duplicate.
pub(crate) fn centroid(poly: &[[f64; 2]]) -> (f64, f64) {
    let pts: Vec<&[f64; 2]> = poly
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    let pts = match pts.as_slice() {
        [first, rest @ .., last] if first == last && !rest.is_empty() => &pts[..pts.len() - 1],
        _ => &pts[..],
    };
    let n = pts.len().max(1) as f64;
    let (sx, sy) = pts
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
    (sx / n, sy / n)
}

/// Whether `d` is a consistent grid the map can draw.
pub(crate) fn heat_map_drawable(d: &DensityReport) -> bool {
    d.nx > 0
        && d.ny > 0
        && d.cell.is_finite()
        && d.cell > 0.0
        && d.peak.len() == d.nx.saturating_mul(d.ny)
        && d.origin.iter().all(|v| v.is_finite())
}

/// What a cell of the density grid shows on the map.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum CellFill {
    /// Evaluated, never occupied: plain grey.
    NeverOccupied,
    /// Occupied: the colour of the level of service of its peak density.
    Level(FruinLevel),
}

impl CellFill {
    /// The fill of a cell with peak density `v`; `None` for a cell not evaluated (NaN or
    /// negative), which is not drawn so that the walkable-area background shows through.
    pub(crate) fn of(v: f64) -> Option<CellFill> {
        if v == 0.0 {
            Some(CellFill::NeverOccupied)
        } else if v.is_finite() && v > 0.0 {
            Some(CellFill::Level(FruinLevel::walkway(v)))
        } else {
            None
        }
    }

    pub(crate) fn colour(self) -> &'static str {
        match self {
            CellFill::NeverOccupied => NEVER_OCCUPIED,
            CellFill::Level(l) => l.colour(),
        }
    }
}

/// Draws the per-cell peak densities coloured by level of service (never occupied cells
/// grey, cells not evaluated not at all), clipped to the walkable area (id `walkable`).
pub(crate) fn heat_map(s: &mut String, d: &DensityReport, tf: &MapTransform, clip: bool) {
    heat_layer(
        s,
        d,
        &d.peak,
        &|v| CellFill::of(v).map(CellFill::colour),
        tf,
        clip.then_some(""),
    );
}

/// Draws `values` (one per cell of `d`'s grid) with the colour `fill` gives each (cells it
/// gives none are not drawn), clipped to the walkable area `walkable{suffix}` if `clip` is
/// `Some(suffix)`; runs of equal colour along a row are merged into one rectangle.
pub(crate) fn heat_layer(
    s: &mut String,
    d: &DensityReport,
    values: &[f64],
    fill: &dyn Fn(f64) -> Option<&'static str>,
    tf: &MapTransform,
    clip: Option<&str>,
) {
    if !heat_map_drawable(d) || values.len() != d.peak.len() {
        return;
    }
    let overlap = 0.3; // px, hides hairline seams between neighbouring cells
    let cell_px = d.cell * tf.scale;
    // Crisp edges snap cells to whole pixels: right for large cells, but cells under 4 px
    // would vanish or double, so small cells are drawn smoothly.
    let _ = writeln!(
        s,
        "<g{}{}>",
        clip.map(|id| format!(" clip-path=\"url(#walkable{id})\""))
            .unwrap_or_default(),
        if cell_px >= 4.0 {
            " shape-rendering=\"crispEdges\""
        } else {
            ""
        }
    );
    for iy in 0..d.ny {
        let row = &values[iy * d.nx..(iy + 1) * d.nx];
        let mut ix = 0;
        while ix < d.nx {
            let Some(colour) = fill(row[ix]) else {
                ix += 1;
                continue;
            };
            let start = ix;
            while ix < d.nx && fill(row[ix]) == Some(colour) {
                ix += 1;
            }
            let x0 = d.origin[0] + start as f64 * d.cell;
            let y1 = d.origin[1] + (iy + 1) as f64 * d.cell;
            let _ = writeln!(
                s,
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\"/>",
                tf.x(x0),
                tf.y(y1),
                (ix - start) as f64 * cell_px + overlap,
                cell_px + overlap,
                colour
            );
        }
    }
    s.push_str("</g>\n");
}
