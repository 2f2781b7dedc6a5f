//! Charts a user looks at: x–y charts (N–t, density and speed over time, fundamental
//! diagrams, level of service over time) and heat maps (profiles, RSET, pressure), each drawn
//! once as SVG (for the HTML page, text stays text) and once as PNG (for slides and mail).
//!
//! PNG text is drawn with the DejaVu Sans font shipped in `assets/` (Bitstream Vera licence),
//! so nothing depends on the fonts installed on the machine.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

// The series types are the verification suites' own, so that their figures draw unchanged.
pub use aman_verify::{Series, SeriesStyle};

/// Width of every chart, px (the reports' page width).
pub const WIDTH: u32 = 900;

/// A horizontal band behind the series, e.g. a Fruin level of service between two densities.
#[derive(Debug, Clone)]
pub struct Band {
    /// Lower edge (data units).
    pub from: f64,
    /// Upper edge (data units).
    pub to: f64,
    /// Fill colour (drawn translucent).
    pub rgb: [u8; 3],
    /// Label drawn at the right edge.
    pub label: String,
}

/// More points than this in a [`SeriesStyle::Points`] series make a cloud, drawn small and
/// faint; fewer are drawn larger.
const POINT_CLOUD: usize = 50;

/// An x–y chart.
#[derive(Debug, Clone, Default)]
pub struct XyChart {
    /// Title above the plot.
    pub title: String,
    /// x-axis label with unit, e.g. "time (s)".
    pub x_label: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// The series, drawn in order with the palette's colours.
    pub series: Vec<Series>,
    /// Background bands.
    pub bands: Vec<Band>,
    /// Forces the y range to start at 0 (counts, densities, speeds).
    pub y_from_zero: bool,
    /// The y axis counts persons (or anything else whole): its ticks are whole numbers
    /// ("350", never "350.0" or "12.5").
    pub y_integer: bool,
    /// Puts the legend in the upper right corner instead of the upper left (for series that
    /// fall towards the end, such as flows and queues of an evacuation).
    pub legend_right: bool,
    /// Colour of each series, in order, as RGB; empty for the default palette. With colours
    /// given, dashed series take theirs too (else dashed series are black references, such
    /// as Weidmann's curve).
    pub colours: Vec<[u8; 3]>,
}

/// A grid of values drawn as coloured cells.
#[derive(Debug, Clone)]
pub struct HeatMap {
    /// Title above the map.
    pub title: String,
    /// Label of the colour scale with unit, e.g. "density (1/m²)".
    pub unit: String,
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Lower-left corner of cell (0, 0), metres.
    pub origin: (f64, f64),
    /// Cell side, metres.
    pub cell: f64,
    /// Values row-major from the lowest row (`values[iy * nx + ix]`); NaN cells are left blank.
    pub values: Vec<f64>,
    /// Walls drawn over the map (polylines in metres).
    pub outlines: Vec<Vec<(f64, f64)>>,
}

const HEIGHT: u32 = 520;
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The font is a compile-time constant known to parse; if registration failed anyway,
        // PNG text would be missing but drawing would go on.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../assets/DejaVuSans.ttf"),
        );
    });
}

/// Writes `chart` as `<dir>/<stem>.svg` and `<dir>/<stem>.png`; returns both paths.
///
/// # Errors
/// A message naming the file when drawing or writing fails.
pub fn write_chart(chart: &XyChart, dir: &Path, stem: &str) -> Result<[PathBuf; 2], String> {
    let svg = dir.join(format!("{stem}.svg"));
    let png = dir.join(format!("{stem}.png"));
    std::fs::write(&svg, chart_svg(chart)?)
        .map_err(|e| format!("cannot write {}: {e}", svg.display()))?;
    register_font();
    {
        let root = BitMapBackend::new(&png, (WIDTH, HEIGHT)).into_drawing_area();
        draw_chart(&root, chart).map_err(|e| format!("cannot draw {}: {e}", png.display()))?;
        root.present()
            .map_err(|e| format!("cannot write {}: {e}", png.display()))?;
    }
    Ok([svg, png])
}

/// The chart as an SVG document (for embedding in HTML).
///
/// # Errors
/// A message when plotters fails to draw.
pub fn chart_svg(chart: &XyChart) -> Result<String, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw_chart(&root, chart)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Writes `map` as `<dir>/<stem>.svg` and `<dir>/<stem>.png`; returns both paths.
///
/// # Errors
/// A message naming the file when drawing or writing fails.
pub fn write_heat_map(map: &HeatMap, dir: &Path, stem: &str) -> Result<[PathBuf; 2], String> {
    let svg = dir.join(format!("{stem}.svg"));
    let png = dir.join(format!("{stem}.png"));
    std::fs::write(&svg, heat_map_svg(map)?)
        .map_err(|e| format!("cannot write {}: {e}", svg.display()))?;
    register_font();
    {
        let (w, h) = heat_map_size(map);
        let root = BitMapBackend::new(&png, (w, h)).into_drawing_area();
        draw_heat_map(&root, map).map_err(|e| format!("cannot draw {}: {e}", png.display()))?;
        root.present()
            .map_err(|e| format!("cannot write {}: {e}", png.display()))?;
    }
    Ok([svg, png])
}

/// The heat map as an SVG document.
///
/// # Errors
/// A message when plotters fails to draw.
pub fn heat_map_svg(map: &HeatMap) -> Result<String, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, heat_map_size(map)).into_drawing_area();
        draw_heat_map(&root, map)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Range of the finite values, widened when empty or flat so an axis can be drawn.
fn range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = if from_zero { 0.0 } else { 0.03 * (hi - lo) };
    (lo - pad, hi + 0.05 * (hi - lo))
}

fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &XyChart,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let points = || chart.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = range(points().map(|p| p.0), false);
    let (y0, y1) = range(points().map(|p| p.1), chart.y_from_zero);
    let mut ctx = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    for band in &chart.bands {
        let (from, to) = (band.from.max(y0), band.to.min(y1));
        if from >= to {
            continue;
        }
        let [r, g, b] = band.rgb;
        ctx.draw_series(std::iter::once(Rectangle::new(
            [(x0, from), (x1, to)],
            RGBColor(r, g, b).mix(0.25).filled(),
        )))
        .map_err(err)?;
        ctx.draw_series(std::iter::once(Text::new(
            band.label.clone(),
            (x1 - 0.04 * (x1 - x0), (from + to) / 2.0),
            ("sans-serif", 13),
        )))
        .map_err(err)?;
    }
    let y_ticks = |v: &f64| {
        if !chart.y_integer {
            tick(*v)
        } else if (v - v.round()).abs() < 1e-9 {
            format!("{:.0}", v.round())
        } else {
            String::new()
        }
    };
    ctx.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&y_ticks)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for (k, series) in chart.series.iter().enumerate() {
        let colour = match chart.colours.get(k) {
            Some(&[r, g, b]) => RGBColor(r, g, b),
            None => PALETTE[k % PALETTE.len()],
        };
        let dashed = if chart.colours.is_empty() {
            BLACK
        } else {
            colour
        };
        let pts: Vec<(f64, f64)> = series
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let legend = |c: RGBColor| {
            move |(x, y): (i32, i32)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
        };
        match series.style {
            SeriesStyle::Line => {
                ctx.draw_series(LineSeries::new(pts, colour.stroke_width(2)))
                    .map_err(err)?
                    .label(&series.name)
                    .legend(legend(colour));
            }
            SeriesStyle::Step => {
                let mut stair = Vec::with_capacity(2 * pts.len());
                for (i, &(x, y)) in pts.iter().enumerate() {
                    if i > 0 {
                        stair.push((x, pts[i - 1].1));
                    }
                    stair.push((x, y));
                }
                ctx.draw_series(LineSeries::new(stair, colour.stroke_width(2)))
                    .map_err(err)?
                    .label(&series.name)
                    .legend(legend(colour));
            }
            SeriesStyle::Points => {
                // a cloud of many points is drawn faint, a handful (one per experiment or
                // per density) bold enough to read
                let (size, alpha) = if pts.len() > POINT_CLOUD {
                    (2, 0.5)
                } else {
                    (4, 0.9)
                };
                ctx.draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, size, colour.mix(alpha).filled())),
                )
                .map_err(err)?
                .label(&series.name)
                .legend(move |(x, y)| Circle::new((x + 9, y), 3, colour.filled()));
            }
            SeriesStyle::Dashed => {
                ctx.draw_series(std::iter::once(DashedPathElement::new(
                    pts,
                    6,
                    4,
                    dashed.stroke_width(2),
                )))
                .map_err(err)?
                .label(&series.name)
                .legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 20, y)], 6, 4, dashed.stroke_width(2))
                });
            }
        }
    }
    if chart.series.len() > 1 || chart.series.iter().any(|s| s.style == SeriesStyle::Dashed) {
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .position(if chart.legend_right {
                SeriesLabelPosition::UpperRight
            } else {
                SeriesLabelPosition::UpperLeft
            })
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// An axis tick value without a trailing ".0": 5 → "5", 2.5 → "2.5", 1e-7 → "0".
pub fn tick(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

/// Whether `chart` has a series with at least one finite point: a chart without is not
/// worth drawing (the pages say "no data" instead).
pub fn has_data(chart: &XyChart) -> bool {
    chart
        .series
        .iter()
        .any(|s| s.points.iter().any(|(x, y)| x.is_finite() && y.is_finite()))
}

fn heat_map_size(map: &HeatMap) -> (u32, u32) {
    let w = map.nx as f64 * map.cell;
    let h = map.ny as f64 * map.cell;
    let aspect = if w > 0.0 {
        (h / w).clamp(0.2, 3.0)
    } else {
        1.0
    };
    let plot_w = 760.0;
    (WIDTH, (plot_w * aspect + 110.0).round() as u32)
}

/// A perceptual colour scale (viridis-like), `t` in [0, 1].
fn scale_colour(t: f64) -> RGBColor {
    const STOPS: [[f64; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let c = |k: usize| (STOPS[i][k] + f * (STOPS[i + 1][k] - STOPS[i][k])).round() as u8;
    RGBColor(c(0), c(1), c(2))
}

fn draw_heat_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    map: &HeatMap,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (main, bar) = root.split_horizontally(WIDTH - 110);
    let (x0, y0) = map.origin;
    let (x1, y1) = (x0 + map.nx as f64 * map.cell, y0 + map.ny as f64 * map.cell);
    let mut ctx = ChartBuilder::on(&main)
        .caption(&map.title, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    ctx.configure_mesh()
        .disable_mesh()
        .x_desc("x (m)")
        .y_desc("y (m)")
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let (lo, hi) = range(map.values.iter().copied(), true);
    let span = hi - lo;
    ctx.draw_series(map.values.iter().enumerate().filter_map(|(k, &v)| {
        if !v.is_finite() || map.nx == 0 {
            return None;
        }
        let (ix, iy) = ((k % map.nx) as f64, (k / map.nx) as f64);
        let a = (x0 + ix * map.cell, y0 + iy * map.cell);
        let b = (a.0 + map.cell, a.1 + map.cell);
        Some(Rectangle::new(
            [a, b],
            scale_colour((v - lo) / span).filled(),
        ))
    }))
    .map_err(err)?;
    for outline in &map.outlines {
        ctx.draw_series(std::iter::once(PathElement::new(
            outline.clone(),
            BLACK.stroke_width(2),
        )))
        .map_err(err)?;
    }
    // Colour bar.
    let mut cb = ChartBuilder::on(&bar)
        .margin_top(40)
        .margin_bottom(46)
        .margin_right(50)
        .y_label_area_size(0)
        .right_y_label_area_size(48)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    cb.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(&map.unit)
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    const STEPS: usize = 64;
    cb.draw_series((0..STEPS).map(|i| {
        let a = lo + span * i as f64 / STEPS as f64;
        let b = lo + span * (i + 1) as f64 / STEPS as f64;
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            scale_colour((i as f64 + 0.5) / STEPS as f64).filled(),
        )
    }))
    .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> XyChart {
        XyChart {
            title: "N–t at line y = 0.5".into(),
            x_label: "time (s)".into(),
            y_label: "persons".into(),
            series: vec![
                Series {
                    name: "line".into(),
                    points: vec![(1.0, 1.0), (2.0, 2.0), (f64::NAN, 3.0), (4.0, 3.0)],
                    style: SeriesStyle::Step,
                },
                Series {
                    name: "Weidmann".into(),
                    points: vec![(0.0, 0.0), (4.0, 3.0)],
                    style: SeriesStyle::Dashed,
                },
            ],
            bands: vec![Band {
                from: 0.5,
                to: 1.5,
                rgb: [255, 0, 0],
                label: "LOS F".into(),
            }],
            y_from_zero: true,
            ..XyChart::default()
        }
    }

    #[test]
    fn writes_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let [svg, png] = write_chart(&chart(), dir.path(), "nt").unwrap();
        let text = std::fs::read_to_string(svg).unwrap();
        assert!(text.starts_with("<svg") && text.contains("N–t at line y = 0.5"));
        assert!(text.contains("Weidmann") && text.contains("LOS F"));
        let bytes = std::fs::read(png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn heat_map_blank_cells_and_empty_map() {
        let dir = tempfile::tempdir().unwrap();
        let map = HeatMap {
            title: "density".into(),
            unit: "1/m²".into(),
            nx: 2,
            ny: 2,
            origin: (0.0, 0.0),
            cell: 0.5,
            values: vec![0.0, 1.0, f64::NAN, 2.0],
            outlines: vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]],
        };
        write_heat_map(&map, dir.path(), "map").unwrap();
        let svg = heat_map_svg(&map).unwrap();
        // three drawn cells plus 64 colour-bar steps
        assert!(svg.matches("<rect").count() >= 3 + 64, "{svg}");
        let empty = HeatMap {
            values: vec![f64::NAN; 4],
            ..map
        };
        assert!(heat_map_svg(&empty).is_ok());
    }

    #[test]
    fn ranges_never_collapse() {
        assert_eq!(range([].into_iter(), true), (0.0, 1.05));
        let (lo, hi) = range([2.0, 2.0].into_iter(), true);
        assert!(lo == 0.0 && hi > 2.0);
        assert_eq!(scale_colour(0.0), RGBColor(68, 1, 84));
        assert_eq!(scale_colour(1.0), RGBColor(253, 231, 37));
    }
}
