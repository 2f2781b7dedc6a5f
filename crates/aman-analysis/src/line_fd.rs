//! The fundamental diagram at a measurement line: density, speed and flow from the Voronoi
//! cells that the line crosses, per direction of movement (PedPy 1.5.1 `compute_species`,
//! `compute_line_density`, `compute_line_speed`, `compute_line_flow`).
//!
//! # Method
//!
//! J. Adrian, A. K. Boomers, S. Paetzke, A. Seyfried, "Continuity equation and fundamental
//! diagram of pedestrians", arXiv:2409.11857 (2024) (also titled "Pedestrian flow analysis in
//! high-density crowds: continuity equation with Voronoi-based fields"), the method PedPy's
//! line functions implement (PedPy cites it as "Adrian et al., 2024"). Each person `i` whose
//! Voronoi cell `A_i(t)` meets the line `l` (length `w`, unit normal `n`) contributes in
//! proportion to the length `w_i(t)` of the line inside the cell:
//!
//! ```text
//! ρ_l(t) = Σ_i  1/|A_i(t)| · w_i(t)/w                    (1/m²)
//! v_l(t) = Σ_i  (v_i(t)·n) · w_i(t)/w                    (m/s)
//! J_l(t) = Σ_i  (v_i(t)·n) · 1/|A_i(t)| · w_i(t)/w       (1/(m·s))
//! ```
//!
//! Each sum is taken separately over the two *species*: persons whose cell first meets the
//! line while they move along `+n` (species +1) or against it (species −1), see [`species`].
//! For species −1 the speed and flow are negated, so both directions count positively; the
//! total is the sum of the two (PedPy's `p_sp±1`, `s_sp±1`, `j_sp±1` columns and `density`,
//! `speed`, `flow`). The equation numbers of the paper could not be checked here; the
//! formulas are those of PedPy 1.5.1's docstrings, which the code reproduces.
//!
//! # Units of the flow
//!
//! `J_l` is a density times a speed: a *specific* flow in 1/(m·s), persons per second and per
//! metre of line. PedPy 1.5.1's docstring of `compute_line_flow` calls it "flow in 1/s", but
//! its values are the same as ours, i.e. in 1/(m·s). Multiply by the line's width `w` for
//! persons per second through the whole line (see the unit test on a moving lattice).
//!
//! The normal is PedPy's: for a line from `a` to `b`, `n = (b_y − a_y, a_x − b_x) / w`, the
//! right-hand normal. Frames where no cell of species ±1 meets the line are left out; frames
//! are ascending (PedPy sorts them descending).

use aman_geometry::{MeasurementLine, Vec2};
use geo::{Area, BoundingRect, Coord, Polygon};

use crate::AnalysisError;
use crate::index::TrajectoryIndex;
use crate::voronoi::{Location, VoronoiCells, polygon_location};

/// The direction in which each person first meets a measurement line (PedPy 1.5.1
/// `compute_species`), per track of the [`TrajectoryIndex`] (`per_track[t]` for
/// `index.ids()[t]`).
///
/// `Some(1)`: moving along the line's normal `n` (see the [module documentation](self)) in the
/// first frame their cell meets the line; `Some(-1)`: against it; `Some(0)`: not moving across
/// the line then (zero or undefined normal speed; PedPy's 0 or NaN species, left out of every
/// sum); `None`: the cell never meets the line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Species {
    /// One entry per track.
    pub per_track: Vec<Option<i8>>,
}

impl Species {
    /// Number of persons with species `s` (−1, 0 or 1).
    pub fn count(&self, s: i8) -> usize {
        self.per_track.iter().filter(|&&x| x == Some(s)).count()
    }
}

/// A line measure per frame, by species (see the [module documentation](self)).
///
/// All vectors have the same length. `plus[k]` / `minus[k]` are NaN in frames where no cell of
/// that species meets the line; `total[k]` treats NaN as 0 (PedPy's `fillna(0)`).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct LineSeries {
    /// Frames in which a cell of species ±1 meets the line, ascending.
    pub frames: Vec<u64>,
    /// Species +1.
    pub plus: Vec<f64>,
    /// Species −1 (speed and flow sign-flipped, so positive when moving against `n`).
    pub minus: Vec<f64>,
    /// `plus + minus`, NaN counted as 0.
    pub total: Vec<f64>,
}

impl LineSeries {
    /// Mean of `total` over the frames, or `None` without frames.
    pub fn mean(&self) -> Option<f64> {
        (!self.total.is_empty()).then(|| self.total.iter().sum::<f64>() / self.total.len() as f64)
    }
}

/// Each person's species at `line` (PedPy 1.5.1 `compute_species(trajectory_data,
/// individual_voronoi_polygons, measurement_line, frame_step)`): the sign of `v·n` in the first
/// frame the person's cell meets the line (touching counts), with `v` the displacement over
/// `frame_step` rows before and after (the current row where the track is shorter,
/// PedPy's `BORDER_SINGLE_SIDED`) divided by the time between them.
///
/// # Errors
/// [`AnalysisError::DegenerateLine`] for a zero-length line;
/// [`AnalysisError::InvalidFrameCount`] for `frame_step = 0`;
/// [`AnalysisError::LengthMismatch`] when `cells` was computed from other data.
pub fn species(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    frame_step: u64,
) -> Result<Species, AnalysisError> {
    let geom = LineGeometry::new(line)?;
    check_cells(index, cells)?;
    if frame_step == 0 {
        return Err(AnalysisError::InvalidFrameCount {
            name: "frame_step",
            value: 0,
        });
    }
    let hits = hits(index, cells, &geom);
    Ok(species_from_hits(index, &geom, &hits, frame_step))
}

/// Density at the line per frame and species, 1/m² (PedPy 1.5.1 `compute_line_density`):
/// `ρ_l(t) = Σ_i 1/|A_i(t)| · w_i(t)/w` (Adrian et al. 2024; see the
/// [module documentation](self)).
///
/// # Errors
/// [`AnalysisError::DegenerateLine`]; [`AnalysisError::LengthMismatch`] for `cells` or
/// `species` of other data; [`AnalysisError::SpeciesMismatch`] when a cell meets the line but
/// its person has no species (species of other cells or another line).
pub fn line_density(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    species: &Species,
) -> Result<LineSeries, AnalysisError> {
    line_measure(index, cells, line, species, None, |c| c.inv_area * c.share)
}

/// Speed across the line per frame and species, m/s (PedPy 1.5.1 `compute_line_speed`):
/// `v_l(t) = Σ_i (v_i(t)·n) · w_i(t)/w`, species −1 sign-flipped (Adrian et al. 2024; see the
/// [module documentation](self)).
///
/// `velocity`: row-aligned individual velocities, m/s, NaN where undefined (PedPy
/// `compute_individual_speed(…, compute_velocity=True)`).
///
/// # Errors
/// As [`line_density`], plus [`AnalysisError::LengthMismatch`] for `velocity` and
/// [`AnalysisError::MissingSpeed`] for a NaN velocity on a row whose cell meets the line.
pub fn line_speed(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    species: &Species,
    velocity: &[Vec2],
) -> Result<LineSeries, AnalysisError> {
    line_measure(index, cells, line, species, Some(velocity), |c| {
        c.normal_speed * c.share
    })
}

/// Specific flow across the line per frame and species, 1/(m·s) (PedPy 1.5.1
/// `compute_line_flow`, whose docstring says 1/s for the same values):
/// `J_l(t) = Σ_i (v_i(t)·n) · 1/|A_i(t)| · w_i(t)/w`, species −1 sign-flipped (Adrian et al.
/// 2024; see the [module documentation](self)). Multiply by the line's width for persons per
/// second.
///
/// # Errors
/// As [`line_speed`].
pub fn line_flow(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    species: &Species,
    velocity: &[Vec2],
) -> Result<LineSeries, AnalysisError> {
    line_measure(index, cells, line, species, Some(velocity), |c| {
        c.normal_speed * c.inv_area * c.share
    })
}

/// The line-based fundamental diagram in one call: [`species`], [`line_density`],
/// [`line_speed`] and [`line_flow`] with the same arguments, finding the cells that meet the
/// line once (in parallel over frames) instead of four times. Same values, bit for bit.
///
/// # Errors
/// As [`species`] and [`line_flow`].
pub fn line_fundamental_diagram(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    frame_step: u64,
    velocity: &[Vec2],
) -> Result<LineFundamentalDiagram, AnalysisError> {
    let geom = LineGeometry::new(line)?;
    check_cells(index, cells)?;
    if frame_step == 0 {
        return Err(AnalysisError::InvalidFrameCount {
            name: "frame_step",
            value: 0,
        });
    }
    let hits = hits(index, cells, &geom);
    let species = species_from_hits(index, &geom, &hits, frame_step);
    let density = measure_from_hits(index, &geom, &hits, &species, None, |c| {
        c.inv_area * c.share
    })?;
    let speed = measure_from_hits(index, &geom, &hits, &species, Some(velocity), |c| {
        c.normal_speed * c.share
    })?;
    let flow = measure_from_hits(index, &geom, &hits, &species, Some(velocity), |c| {
        c.normal_speed * c.inv_area * c.share
    })?;
    Ok(LineFundamentalDiagram {
        species,
        density,
        speed,
        flow,
    })
}

/// Result of [`line_fundamental_diagram`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineFundamentalDiagram {
    /// Each person's direction at the line.
    pub species: Species,
    /// Line density, 1/m².
    pub density: LineSeries,
    /// Line speed, m/s.
    pub speed: LineSeries,
    /// Line specific flow, 1/(m·s).
    pub flow: LineSeries,
}

/// A row whose cell meets the line: the row, `w_i / w` and `1/|A_i|`.
#[derive(Debug, Clone, Copy)]
struct Hit {
    row: u32,
    share: f64,
    inv_area: f64,
}

/// Every row whose cell meets the line, in row order (so frame by frame); computed in
/// parallel over frames.
fn hits(index: &TrajectoryIndex<'_>, cells: &VoronoiCells, geom: &LineGeometry) -> Vec<Hit> {
    use rayon::prelude::*;
    let per_frame: Vec<Vec<Hit>> = (0..index.frames().len())
        .into_par_iter()
        .map(|k| {
            index
                .frame_rows(k)
                .filter_map(|row| {
                    let cell = cells.get(row)?;
                    let length = geom.meets(cell)?;
                    Some(Hit {
                        row: row as u32,
                        share: length / geom.width,
                        inv_area: 1.0 / cell.unsigned_area(),
                    })
                })
                .collect()
        })
        .collect();
    per_frame.concat()
}

fn species_from_hits(
    index: &TrajectoryIndex<'_>,
    geom: &LineGeometry,
    hits: &[Hit],
    frame_step: u64,
) -> Species {
    let data = index.data();
    let step = usize::try_from(frame_step).unwrap_or(usize::MAX);
    let mut per_track: Vec<Option<i8>> = vec![None; index.ids().len()];
    for hit in hits {
        let r = hit.row as usize;
        let t = index.track_of_row(r);
        if per_track[t].is_some() {
            continue;
        }
        let rows = index.track(t);
        let k = rows
            .binary_search_by_key(&data.frame[r], |&q| data.frame[q as usize])
            .expect("the row is in its track");
        let s = if k >= step {
            rows[k - step] as usize
        } else {
            r
        };
        let e = rows.get(k.saturating_add(step)).map_or(r, |&e| e as usize);
        let dt = (data.frame[e] - data.frame[s]) as f64 / data.frame_rate;
        let along = ((data.x[e] - data.x[s]) * geom.n.x + (data.y[e] - data.y[s]) * geom.n.y) / dt;
        per_track[t] = Some(if along > 0.0 {
            1
        } else if along < 0.0 {
            -1
        } else {
            0 // zero, or NaN for a one-row track
        });
    }
    Species { per_track }
}

fn measure_from_hits(
    index: &TrajectoryIndex<'_>,
    geom: &LineGeometry,
    hits: &[Hit],
    species: &Species,
    velocity: Option<&[Vec2]>,
    term: impl Fn(&Contribution) -> f64,
) -> Result<LineSeries, AnalysisError> {
    let data = index.data();
    if species.per_track.len() != index.ids().len() {
        return Err(AnalysisError::LengthMismatch {
            what: "species",
            len: species.per_track.len(),
            rows: index.ids().len(),
        });
    }
    if let Some(v) = velocity
        && v.len() != data.len()
    {
        return Err(AnalysisError::LengthMismatch {
            what: "velocities",
            len: v.len(),
            rows: data.len(),
        });
    }
    let flip = if velocity.is_some() { -1.0 } else { 1.0 };
    let mut out = LineSeries::default();
    let z = |x: f64| if x.is_nan() { 0.0 } else { x };
    let mut k = 0;
    while k < hits.len() {
        let frame = data.frame[hits[k].row as usize];
        let (mut plus, mut minus) = (f64::NAN, f64::NAN);
        while k < hits.len() && data.frame[hits[k].row as usize] == frame {
            let hit = hits[k];
            k += 1;
            let row = hit.row as usize;
            let Some(s) = species.per_track[index.track_of_row(row)] else {
                return Err(AnalysisError::SpeciesMismatch {
                    id: data.id[row],
                    frame,
                });
            };
            let normal_speed = match velocity {
                Some(v) => {
                    let v = v[row];
                    if v.x.is_nan() || v.y.is_nan() {
                        return Err(AnalysisError::MissingSpeed {
                            what: "velocity",
                            id: data.id[row],
                            frame,
                        });
                    }
                    v.x * geom.n.x + v.y * geom.n.y
                }
                None => 0.0,
            };
            let c = Contribution {
                inv_area: hit.inv_area,
                share: hit.share,
                normal_speed,
            };
            let slot = match s {
                1 => &mut plus,
                -1 => &mut minus,
                _ => continue,
            };
            *slot = z(*slot) + term(&c);
        }
        if plus.is_nan() && minus.is_nan() {
            continue;
        }
        let minus = minus * flip;
        out.frames.push(frame);
        out.plus.push(plus);
        out.minus.push(minus);
        out.total.push(z(plus) + z(minus));
    }
    Ok(out)
}

/// What one person contributes: `1/|A_i|`, `w_i / w` and `v_i · n`.
struct Contribution {
    inv_area: f64,
    share: f64,
    normal_speed: f64,
}

fn check_cells(index: &TrajectoryIndex<'_>, cells: &VoronoiCells) -> Result<(), AnalysisError> {
    let rows = index.data().len();
    if cells.len() != rows {
        return Err(AnalysisError::LengthMismatch {
            what: "Voronoi cells",
            len: cells.len(),
            rows,
        });
    }
    Ok(())
}

fn line_measure(
    index: &TrajectoryIndex<'_>,
    cells: &VoronoiCells,
    line: &MeasurementLine,
    species: &Species,
    velocity: Option<&[Vec2]>,
    term: impl Fn(&Contribution) -> f64,
) -> Result<LineSeries, AnalysisError> {
    let geom = LineGeometry::new(line)?;
    check_cells(index, cells)?;
    let hits = hits(index, cells, &geom);
    measure_from_hits(index, &geom, &hits, species, velocity, term)
}

/// A measurement line prepared for cell queries.
struct LineGeometry {
    a: Coord<f64>,
    b: Coord<f64>,
    width: f64,
    /// PedPy's normal: (b_y − a_y, a_x − b_x) / width.
    n: Vec2,
}

impl LineGeometry {
    fn new(line: &MeasurementLine) -> Result<Self, AnalysisError> {
        let (a, b) = (line.segment.a, line.segment.b);
        let width = line.width();
        if !(width.is_finite() && width > 0.0) {
            return Err(AnalysisError::DegenerateLine {
                name: line.name.clone(),
            });
        }
        Ok(LineGeometry {
            a: Coord { x: a.x, y: a.y },
            b: Coord { x: b.x, y: b.y },
            width,
            n: Vec2::new((b.y - a.y) / width, (a.x - b.x) / width),
        })
    }

    /// `None` if the closed cell and the line do not meet; else the length of the line inside
    /// the cell (0 when they only touch), metres.
    fn meets(&self, cell: &Polygon<f64>) -> Option<f64> {
        let r = cell.bounding_rect()?;
        let (a, b) = (self.a, self.b);
        if a.x.max(b.x) < r.min().x
            || a.x.min(b.x) > r.max().x
            || a.y.max(b.y) < r.min().y
            || a.y.min(b.y) > r.max().y
        {
            return None;
        }
        let d = Coord {
            x: b.x - a.x,
            y: b.y - a.y,
        };
        let cross = |p: Coord<f64>, q: Coord<f64>| p.x * q.y - p.y * q.x;
        let mut ts = vec![0.0, 1.0];
        let mut touches = false;
        for ring in std::iter::once(cell.exterior()).chain(cell.interiors()) {
            for l in ring.lines() {
                let (c, e) = (l.start, l.end);
                let ce = Coord {
                    x: e.x - c.x,
                    y: e.y - c.y,
                };
                let ac = Coord {
                    x: c.x - a.x,
                    y: c.y - a.y,
                };
                let denom = cross(d, ce);
                if denom != 0.0 {
                    let t = cross(ac, ce) / denom;
                    let u = cross(ac, d) / denom;
                    if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
                        ts.push(t);
                        touches = true;
                    }
                } else if cross(ac, d) == 0.0 {
                    // Collinear: the overlap, if any, is on the cell's boundary.
                    let dd = d.x * d.x + d.y * d.y;
                    let tc = (ac.x * d.x + ac.y * d.y) / dd;
                    let te = ((e.x - a.x) * d.x + (e.y - a.y) * d.y) / dd;
                    let (lo, hi) = (tc.min(te), tc.max(te));
                    if hi >= 0.0 && lo <= 1.0 {
                        touches = true;
                        ts.push(lo.clamp(0.0, 1.0));
                        ts.push(hi.clamp(0.0, 1.0));
                    }
                }
            }
        }
        let at = |t: f64| Coord {
            x: a.x + t * d.x,
            y: a.y + t * d.y,
        };
        if !touches
            && polygon_location(cell, a) == Location::Outside
            && polygon_location(cell, b) == Location::Outside
        {
            return None;
        }
        ts.sort_by(f64::total_cmp);
        let mut inside = 0.0;
        for w in ts.windows(2) {
            if w[1] > w[0] && polygon_location(cell, at(0.5 * (w[0] + w[1]))) != Location::Outside {
                inside += w[1] - w[0];
            }
        }
        Some(inside * self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aman_geometry::Segment;
    use geo::LineString;

    fn line(ax: f64, ay: f64, bx: f64, by: f64) -> LineGeometry {
        LineGeometry::new(&MeasurementLine {
            name: "l".into(),
            segment: Segment::new(Vec2::new(ax, ay), Vec2::new(bx, by)),
        })
        .unwrap()
    }

    #[test]
    fn line_inside_cells() {
        let sq = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]),
            vec![LineString::from(vec![
                (0.5, 0.5),
                (1.5, 0.5),
                (1.5, 1.5),
                (0.5, 1.5),
            ])],
        );
        assert_eq!(line(-1.0, 1.0, 3.0, 1.0).meets(&sq), Some(1.0)); // hole skipped
        assert_eq!(line(-1.0, 0.2, 1.0, 0.2).meets(&sq), Some(1.0));
        assert_eq!(line(2.0, -1.0, 2.0, 3.0).meets(&sq), Some(2.0)); // along an edge
        assert_eq!(line(2.0, 2.0, 3.0, 3.0).meets(&sq), Some(0.0)); // touches a corner
        assert_eq!(line(2.1, -1.0, 2.1, 3.0).meets(&sq), None);
        assert_eq!(line(0.6, 0.6, 1.4, 1.4).meets(&sq), None); // inside the hole
        let l = line(0.0, 0.0, 4.0, 0.0);
        assert_eq!((l.n.x, l.n.y), (0.0, -1.0));
    }
}
