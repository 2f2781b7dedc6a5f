//! Stairs (and ramps) drawn in the plan: areas where agents walk slower, by how much depending
//! on whether they go up or down.
//!
//! A stair is a polygon of the walkable area with the plan direction in which it ascends. An
//! agent whose centre is on it walks at `up_factor` (its desired direction has a positive
//! component along `up`) or `down_factor` times its desired speed. Stairs are drawn unfolded:
//! the polygon's length along `up` is the walking distance on the stair, so a stair of 10 m
//! along its slope is a polygon 10 m long (RiMEA 3.0, tests 2 and 3).
//!
//! The default factors are the horizontal walking speeds on stairs of Weidmann's handbook over
//! his free walking speed on the flat, 1.34 m/s: up 0.61 m/s (Weidmann's value as tabulated by
//! Burghardt, Seyfried & Klingsch, "Performance of stairs – fundamental diagram and topographical
//! measurements", Transportation Research Part C 37, 2013, Table 1) → 0.455; down 0.694 m/s
//! (U. Weidmann, "Transporttechnik der Fussgänger", IVT Schriftenreihe 90, ETH Zürich, 1993)
//! → 0.518.

use aman_geometry::Vec2;
use geo::Contains;

use crate::SimError;
use crate::routing::RoutingGrid;

/// One stair area.
#[derive(Debug, Clone, PartialEq)]
pub struct Stair {
    /// Name used in messages and reports.
    pub name: String,
    /// The area, metres, drawn unfolded (length along `up` = walking distance on the stair).
    pub polygon: geo::Polygon<f64>,
    /// Unit plan direction in which the stair ascends.
    pub up: Vec2,
    /// Speed factor going up, in (0, 1]. Default [`Stair::DEFAULT_UP_FACTOR`].
    pub up_factor: f64,
    /// Speed factor going down, in (0, 1]. Default [`Stair::DEFAULT_DOWN_FACTOR`].
    pub down_factor: f64,
}

impl Stair {
    /// 0.61 / 1.34: Weidmann's horizontal walking speed upstairs over his speed on the flat.
    pub const DEFAULT_UP_FACTOR: f64 = 0.61 / 1.34;
    /// 0.694 / 1.34: Weidmann's horizontal walking speed downstairs over his speed on the flat.
    pub const DEFAULT_DOWN_FACTOR: f64 = 0.694 / 1.34;

    /// The factor for walking in direction `dir` (not necessarily unit).
    #[inline]
    pub fn factor(&self, dir: Vec2) -> f64 {
        if dir.dot(self.up) >= 0.0 {
            self.up_factor
        } else {
            self.down_factor
        }
    }

    /// Checks the factors and the direction.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] naming the stair and the value.
    pub fn validate(&self) -> Result<(), SimError> {
        for (what, v) in [
            ("up_factor", self.up_factor),
            ("down_factor", self.down_factor),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(SimError::ParameterOutOfRange {
                    what: format!("stair '{}': {what}", self.name),
                    value: v,
                    range: "(0, 1]",
                });
            }
        }
        let n = self.up.norm();
        if !(n.is_finite() && (n - 1.0).abs() < 1e-6) {
            return Err(SimError::ParameterOutOfRange {
                what: format!("stair '{}': length of the up direction", self.name),
                value: n,
                range: "1 (a unit vector)",
            });
        }
        Ok(())
    }
}

/// The stairs rasterised on the routing grid: per cell, which stair (if any) covers its centre,
/// so that the lookup per agent and step is one cell index.
#[derive(Debug, Clone, Default)]
pub struct StairMap {
    stairs: Vec<Stair>,
    /// Per walkable routing cell: 0 for none, `k + 1` for stair `k` (stairs may not overlap).
    cell: Vec<u16>,
}

impl StairMap {
    /// Rasterises `stairs` on `grid`.
    ///
    /// # Errors
    /// [`SimError::ParameterOutOfRange`] for a bad factor or direction; [`SimError::Config`]
    /// for more than 65,534 stairs, two stairs that overlap, or a stair that covers no centre of
    /// a routing cell in the walkable area.
    pub fn new(grid: &RoutingGrid, stairs: Vec<Stair>) -> Result<Self, SimError> {
        if stairs.is_empty() {
            return Ok(Self::default());
        }
        if stairs.len() >= u16::MAX as usize {
            return Err(SimError::Config(format!(
                "{} stairs: at most 65,534",
                stairs.len()
            )));
        }
        let (nx, ny) = grid.dims();
        let mut cell = vec![0u16; nx * ny];
        for (k, s) in stairs.iter().enumerate() {
            s.validate()?;
            let mut covered = 0usize;
            use geo::BoundingRect;
            let Some(r) = s.polygon.bounding_rect() else {
                return Err(SimError::Config(format!(
                    "stair '{}': the polygon is empty",
                    s.name
                )));
            };
            let h = grid.cell_size();
            // the cells under the bounding box, clamped to the grid (a stair may reach beyond
            // the walkable area; only its walkable part counts)
            let lo = grid.centre(0, 0);
            let index =
                |v: f64, o: f64, n: usize| (((v - o) / h).round().max(0.0) as usize).min(n - 1);
            let (i0, i1) = (index(r.min().x, lo.x, nx), index(r.max().x, lo.x, nx));
            let (j0, j1) = (index(r.min().y, lo.y, ny), index(r.max().y, lo.y, ny));
            for j in j0..=j1 {
                for i in i0..=i1 {
                    let c = grid.centre(i, j);
                    if !grid.in_area(i, j) || !s.polygon.contains(&geo::Coord { x: c.x, y: c.y }) {
                        continue;
                    }
                    let idx = j * nx + i;
                    if cell[idx] != 0 {
                        return Err(SimError::Config(format!(
                            "stairs '{}' and '{}' overlap (near ({:.2}, {:.2})): an agent can be \
                             on one stair at a time; make them meet edge to edge",
                            stairs[cell[idx] as usize - 1].name,
                            s.name,
                            c.x,
                            c.y
                        )));
                    }
                    cell[idx] = k as u16 + 1;
                    covered += 1;
                }
            }
            if covered == 0 {
                return Err(SimError::Config(format!(
                    "stair '{}' covers no centre of a {h} m routing cell of the walkable area: \
                     it lies outside the area or in an obstacle, or is too small",
                    s.name
                )));
            }
        }
        Ok(Self { stairs, cell })
    }

    /// The stairs, in the order given.
    pub fn stairs(&self) -> &[Stair] {
        &self.stairs
    }

    /// Whether there are no stairs.
    pub fn is_empty(&self) -> bool {
        self.stairs.is_empty()
    }

    /// The stair under `p`, if any.
    #[inline]
    pub fn at(&self, grid: &RoutingGrid, p: Vec2) -> Option<&Stair> {
        if self.stairs.is_empty() {
            return None;
        }
        let (i, j) = grid.cell_of(p)?;
        let k = self.cell[j * grid.dims().0 + i];
        (k > 0).then(|| &self.stairs[k as usize - 1])
    }

    /// The speed factor at `p` for walking in direction `dir`: 1 off the stairs.
    #[inline]
    pub fn factor(&self, grid: &RoutingGrid, p: Vec2, dir: Vec2) -> f64 {
        self.at(grid, p).map_or(1.0, |s| s.factor(dir))
    }

    /// Per routing cell: the stair index + 1, or 0.
    pub fn cells(&self) -> &[u16] {
        &self.cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::RoutingParams;
    use crate::simulation::tests::rect;
    use aman_geometry::WalkableArea;

    fn stair(up: Vec2) -> Stair {
        Stair {
            name: "s".into(),
            polygon: rect(3.0, 0.0, 13.0, 2.0),
            up,
            up_factor: Stair::DEFAULT_UP_FACTOR,
            down_factor: Stair::DEFAULT_DOWN_FACTOR,
        }
    }

    #[test]
    fn factor_by_direction_and_place() {
        let area = WalkableArea::new(rect(0.0, 0.0, 16.0, 2.0), "corridor").unwrap();
        let grid = RoutingGrid::new(&area, RoutingParams::for_area(&area));
        let map = StairMap::new(&grid, vec![stair(Vec2::new(1.0, 0.0))]).unwrap();
        let (east, west) = (Vec2::new(1.0, 0.0), Vec2::new(-1.0, 0.0));
        // Weidmann: 0.61 m/s up, 0.694 m/s down, of 1.34 m/s
        assert!((map.factor(&grid, Vec2::new(8.0, 1.0), east) * 1.34 - 0.61).abs() < 1e-12);
        assert!((map.factor(&grid, Vec2::new(8.0, 1.0), west) * 1.34 - 0.694).abs() < 1e-12);
        assert_eq!(map.factor(&grid, Vec2::new(1.0, 1.0), east), 1.0);
        assert_eq!(map.factor(&grid, Vec2::new(14.0, 1.0), east), 1.0);
        assert!(map.at(&grid, Vec2::new(3.05, 1.0)).is_some());
        assert!(map.at(&grid, Vec2::new(2.95, 1.0)).is_none());
    }

    #[test]
    fn bad_stairs_are_errors_naming_the_stair() {
        let area = WalkableArea::new(rect(0.0, 0.0, 16.0, 2.0), "corridor").unwrap();
        let grid = RoutingGrid::new(&area, RoutingParams::for_area(&area));
        let mut s = stair(Vec2::new(1.0, 0.0));
        s.up_factor = 1.5;
        let e = StairMap::new(&grid, vec![s]).unwrap_err().to_string();
        assert!(e.contains("stair 's': up_factor"), "{e}");
        let e = StairMap::new(&grid, vec![stair(Vec2::new(2.0, 0.0))])
            .unwrap_err()
            .to_string();
        assert!(e.contains("up direction"), "{e}");
        let mut s = stair(Vec2::new(1.0, 0.0));
        s.polygon = rect(30.0, 0.0, 40.0, 2.0);
        let e = StairMap::new(&grid, vec![s]).unwrap_err().to_string();
        assert!(e.contains("covers no centre"), "{e}");
    }

    /// A stair reaching beyond the walkable area counts its walkable part; one inside an
    /// obstacle, or overlapping another stair, is an error.
    #[test]
    fn stair_coverage_is_the_walkable_part() {
        let outer = geo::LineString::from(vec![(0.0, 0.0), (16.0, 0.0), (16.0, 10.0), (0.0, 10.0)]);
        let hole = geo::LineString::from(vec![(6.0, 6.0), (9.0, 6.0), (9.0, 9.0), (6.0, 9.0)]);
        let area = WalkableArea::new(geo::Polygon::new(outer, vec![hole]), "room").unwrap();
        let grid = RoutingGrid::new(&area, RoutingParams::for_area(&area));
        let mut s = stair(Vec2::new(1.0, 0.0));
        s.polygon = rect(12.0, -2.0, 18.0, 4.0);
        let map = StairMap::new(&grid, vec![s.clone()]).unwrap();
        assert!(map.at(&grid, Vec2::new(14.0, 1.0)).is_some());
        assert!(map.at(&grid, Vec2::new(14.0, 5.0)).is_none());
        let mut in_hole = stair(Vec2::new(1.0, 0.0));
        in_hole.polygon = rect(6.5, 6.5, 8.5, 8.5);
        let e = StairMap::new(&grid, vec![in_hole]).unwrap_err().to_string();
        assert!(
            e.contains("covers no centre") && e.contains("obstacle"),
            "{e}"
        );
        let mut other = stair(Vec2::new(0.0, 1.0));
        other.name = "t".into();
        other.polygon = rect(10.0, 0.0, 13.0, 2.0);
        let e = StairMap::new(&grid, vec![stair(Vec2::new(1.0, 0.0)), other])
            .unwrap_err()
            .to_string();
        assert!(e.contains("stairs 's' and 't' overlap"), "{e}");
    }

    /// Travel-time routing over a stair: the field's travel time across 10 m of stair is the
    /// distance over the factor of the direction walked (up towards an exit beyond the head,
    /// down towards one beyond the foot).
    #[test]
    fn routing_charges_the_stair_by_direction() {
        use crate::{Journey, RouteChoice, SimConfig, Simulation, Stage, StageId, StageKind};
        let area = WalkableArea::new(rect(0.0, 0.0, 16.0, 2.0), "corridor").unwrap();
        let exit = |x0: f64| Stage {
            name: format!("exit at {x0}"),
            kind: StageKind::Exit {
                polygon: rect(x0, 0.0, x0 + 1.0, 2.0),
            },
        };
        let config = SimConfig {
            stairs: vec![stair(Vec2::new(1.0, 0.0))],
            ..SimConfig::default()
        };
        let journeys = vec![Journey {
            name: "j".into(),
            steps: vec![vec![StageId(0)]],
            choice: RouteChoice::Nearest,
        }];
        let sim = Simulation::new(area, vec![exit(15.0), exit(0.0)], journeys, config).unwrap();
        let across = |s: u32, a: f64, b: f64| {
            sim.walking_distance(StageId(s), Vec2::new(a, 1.0))
                - sim.walking_distance(StageId(s), Vec2::new(b, 1.0))
        };
        // towards x = 15: up the stair; towards x = 0: down
        let up = across(0, 3.5, 12.5);
        let down = across(1, 12.5, 3.5);
        assert!((up - 9.0 / Stair::DEFAULT_UP_FACTOR).abs() < 0.2, "{up}");
        assert!(
            (down - 9.0 / Stair::DEFAULT_DOWN_FACTOR).abs() < 0.2,
            "{down}"
        );
    }
}
