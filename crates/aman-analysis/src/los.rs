//! Level of service after Fruin: walkways, stairways and queues, and a density series graded
//! frame by frame.
//!
//! J. J. Fruin, *Pedestrian Planning and Design*, Metropolitan Association of Urban Designers
//! and Environmental Planners, New York, 1971, grades the space available per person with three
//! tables of six levels, A (free) to F (critical). Fruin gives the thresholds in ft²/person; the
//! metric values below are the conversions (1 ft² = 0.0929 m²) rounded to 0.01 m², except the
//! walkway A threshold, 3.24 m² (35 ft² = 3.25 m²), which is the value aman has always used.
//!
//! | level | walkway a (m²/person) | stairway a | queue a |
//! |---|---|---|---|
//! | A | a ≥ 3.24 (35 ft²) | a ≥ 1.86 (20 ft²) | a ≥ 1.21 (13 ft²) |
//! | B | 2.32 ≤ a < 3.24 (25 ft²) | 1.39 ≤ a < 1.86 (15 ft²) | 0.93 ≤ a < 1.21 (10 ft²) |
//! | C | 1.39 ≤ a < 2.32 (15 ft²) | 0.93 ≤ a < 1.39 (10 ft²) | 0.65 ≤ a < 0.93 (7 ft²) |
//! | D | 0.93 ≤ a < 1.39 (10 ft²) | 0.65 ≤ a < 0.93 (7 ft²) | 0.28 ≤ a < 0.65 (3 ft²) |
//! | E | 0.46 ≤ a < 0.93 (5 ft²) | 0.37 ≤ a < 0.65 (4 ft²) | 0.19 ≤ a < 0.28 (2 ft²) |
//! | F | a < 0.46 | a < 0.37 | a < 0.19 |
//!
//! In densities ρ = 1/a (1/m²), the walkway levels end at 0.31, 0.43, 0.72, 1.08 and 2.17.
//!
//! Sources checked: the walkway table in ft² as printed in Fruin (1971), chapter "Level of
//! service" (D: "10–15 square feet per person", E: "5–10"); the queue table as adopted by the
//! Highway Capacity Manual (HCM 2000, pedestrian queuing LOS: A > 1.2, B 0.9–1.2, C 0.6–0.9,
//! D 0.3–0.6, E 0.2–0.3, F ≤ 0.2 m²/person, i.e. Fruin's 13, 10, 7, 3, 2 ft² rounded). The
//! stairway values (20, 15, 10, 7, 4 ft²) are Fruin's stairway table as commonly reproduced;
//! no primary copy of that page was available when this was written.
//!
//! **Boundaries.** A value exactly on a threshold belongs to the better level (a = 3.24 m² is
//! walkway level A), as the "a ≥ 3.24" of the table says. The comparison is made on the
//! density, ρ ≤ 1/a_min, so ρ = 0 (nobody there) is level A and no division by zero occurs.
//! Negative densities are level A; NaN (unknown) is level F, the worst case.
//!
//! [`los_over_time`] grades a [`FrameSeries`] of densities and [`LosSummary`] adds up the time
//! spent at each level. PedPy has no level-of-service function.

use serde::{Deserialize, Serialize};

use crate::{AnalysisError, FrameSeries};

/// A Fruin level of service for walkways, from A (free circulation) to F (critical).
///
/// The variants are ordered: `FruinLevel::A < FruinLevel::F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FruinLevel {
    /// a ≥ 3.24 m²/person: free circulation.
    A,
    /// 2.32 ≤ a < 3.24 m²/person: minor conflicts.
    B,
    /// 1.39 ≤ a < 2.32 m²/person: restricted speed and passing.
    C,
    /// 0.93 ≤ a < 1.39 m²/person: most walkers slowed.
    D,
    /// 0.46 ≤ a < 0.93 m²/person: shuffling, frequent contact.
    E,
    /// a < 0.46 m²/person: critical, flow breaks down.
    F,
}

/// Lower bounds of the walkway area per person of levels A to E, m²/person (F has none).
const MIN_AREA: [f64; 5] = [3.24, 2.32, 1.39, 0.93, 0.46];
/// Lower bounds of the stairway area per person of levels A to E, m²/person.
const MIN_AREA_STAIRWAY: [f64; 5] = [1.86, 1.39, 0.93, 0.65, 0.37];
/// Lower bounds of the queue area per person of levels A to E, m²/person.
const MIN_AREA_QUEUE: [f64; 5] = [1.21, 0.93, 0.65, 0.28, 0.19];

/// The first level whose lower bound of area per person `min_area` the density meets
/// (ρ ≤ 1/a_min); F if none does, or for NaN.
fn grade(density: f64, min_area: &[f64; 5]) -> FruinLevel {
    for (level, &a) in FruinLevel::ALL.iter().zip(min_area) {
        if density <= 1.0 / a {
            return *level;
        }
    }
    FruinLevel::F
}

impl FruinLevel {
    /// All levels, best first.
    pub const ALL: [FruinLevel; 6] = [
        FruinLevel::A,
        FruinLevel::B,
        FruinLevel::C,
        FruinLevel::D,
        FruinLevel::E,
        FruinLevel::F,
    ];

    /// The walkway level of service at `density` persons/m².
    ///
    /// The area per person is a = 1/ρ; the level is the first row of the table in the
    /// [module docs](self) whose lower bound a meets, compared as ρ ≤ 1/a_min so that a density
    /// of exactly `1.0 / 3.24` is level A. Zero or negative densities are level A; NaN is
    /// level F (unknown is treated as the worst case).
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::walkway(0.0), FruinLevel::A);
    /// assert_eq!(FruinLevel::walkway(1.0 / 3.24), FruinLevel::A); // on the threshold
    /// assert_eq!(FruinLevel::walkway(1.0), FruinLevel::D); // 1 m² per person
    /// assert_eq!(FruinLevel::walkway(4.0), FruinLevel::F);
    /// ```
    pub fn walkway(density: f64) -> FruinLevel {
        grade(density, &MIN_AREA)
    }

    /// The stairway level of service at `density` persons/m² (Fruin's stairway table, see the
    /// [module docs](self)); boundaries as [`FruinLevel::walkway`].
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::stairway(1.0 / 1.86), FruinLevel::A); // on the threshold
    /// assert_eq!(FruinLevel::stairway(1.0), FruinLevel::C); // 1 m² per person
    /// assert_eq!(FruinLevel::stairway(3.0), FruinLevel::F);
    /// ```
    pub fn stairway(density: f64) -> FruinLevel {
        grade(density, &MIN_AREA_STAIRWAY)
    }

    /// The queue (waiting area) level of service at `density` persons/m² (Fruin's queuing
    /// table, see the [module docs](self)); boundaries as [`FruinLevel::walkway`].
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::queue(1.0), FruinLevel::B); // 1 m² per person
    /// assert_eq!(FruinLevel::queue(1.0 / 0.28), FruinLevel::D); // on the threshold
    /// assert_eq!(FruinLevel::queue(6.0), FruinLevel::F);
    /// ```
    pub fn queue(density: f64) -> FruinLevel {
        grade(density, &MIN_AREA_QUEUE)
    }

    /// The letter, `"A"` to `"F"`.
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::C.label(), "C");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            FruinLevel::A => "A",
            FruinLevel::B => "B",
            FruinLevel::C => "C",
            FruinLevel::D => "D",
            FruinLevel::E => "E",
            FruinLevel::F => "F",
        }
    }

    /// What walkers experience at this level, one short English sentence (the last column of
    /// the table in the [module docs](self)).
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert!(FruinLevel::F.description().contains("critical"));
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            FruinLevel::A => "free choice of speed, conflicts avoided",
            FruinLevel::B => "normal speed, minor conflicts when passing",
            FruinLevel::C => "speed and passing restricted, cross flows difficult",
            FruinLevel::D => "most walkers slowed, passing difficult",
            FruinLevel::E => "everyone slowed, shuffling, frequent contact",
            FruinLevel::F => "critical: shuffling or standing, unavoidable contact",
        }
    }

    /// The range of area per person of this level, m²/person: `(lower, upper)`, the lower bound
    /// included, the upper excluded; `upper` is `None` for A and `lower` is 0 for F.
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::B.area_per_person(), (2.32, Some(3.24)));
    /// assert_eq!(FruinLevel::A.area_per_person(), (3.24, None));
    /// assert_eq!(FruinLevel::F.area_per_person(), (0.0, Some(0.46)));
    /// ```
    pub fn area_per_person(self) -> (f64, Option<f64>) {
        let i = self as usize;
        let lower = MIN_AREA.get(i).copied().unwrap_or(0.0);
        let upper = i.checked_sub(1).map(|j| MIN_AREA[j]);
        (lower, upper)
    }

    /// The colour of this level in maps and reports, as CSS hex `#rrggbb`: green (A) through
    /// yellow (C) to red (E) and dark red (F), a diverging scheme that stays readable in grey.
    ///
    /// ```
    /// use aman_analysis::los::FruinLevel;
    /// assert_eq!(FruinLevel::A.colour(), "#1a9850");
    /// assert_eq!(FruinLevel::F.rgb(), [0x7f, 0x00, 0x00]);
    /// ```
    pub fn colour(self) -> &'static str {
        match self {
            FruinLevel::A => "#1a9850",
            FruinLevel::B => "#91cf60",
            FruinLevel::C => "#fee08b",
            FruinLevel::D => "#fc8d59",
            FruinLevel::E => "#d73027",
            FruinLevel::F => "#7f0000",
        }
    }

    /// [`colour`](Self::colour) as `[r, g, b]`.
    pub fn rgb(self) -> [u8; 3] {
        let hex = self.colour().as_bytes();
        let byte = |i: usize| {
            let digit = |c: u8| match c {
                b'0'..=b'9' => c - b'0',
                _ => c - b'a' + 10,
            };
            digit(hex[i]) * 16 + digit(hex[i + 1])
        };
        [byte(1), byte(3), byte(5)]
    }
}

impl std::fmt::Display for FruinLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One of Fruin's three level-of-service tables (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum LosTable {
    /// Walkways and corridors (people walking).
    #[default]
    Walkway,
    /// Stairways (people climbing or descending).
    Stairway,
    /// Queues and waiting areas (people standing).
    Queue,
}

impl LosTable {
    /// All tables.
    pub const ALL: [LosTable; 3] = [LosTable::Walkway, LosTable::Stairway, LosTable::Queue];

    /// The lower bound of the area per person of levels A to E, m²/person (F has none): the
    /// metric thresholds of the table.
    ///
    /// ```
    /// use aman_analysis::los::LosTable;
    /// assert_eq!(LosTable::Walkway.min_area(), [3.24, 2.32, 1.39, 0.93, 0.46]);
    /// assert_eq!(LosTable::Stairway.min_area(), [1.86, 1.39, 0.93, 0.65, 0.37]);
    /// assert_eq!(LosTable::Queue.min_area(), [1.21, 0.93, 0.65, 0.28, 0.19]);
    /// ```
    pub fn min_area(self) -> [f64; 5] {
        match self {
            LosTable::Walkway => MIN_AREA,
            LosTable::Stairway => MIN_AREA_STAIRWAY,
            LosTable::Queue => MIN_AREA_QUEUE,
        }
    }

    /// The same thresholds in ft²/person, as Fruin (1971) gives them.
    ///
    /// ```
    /// use aman_analysis::los::LosTable;
    /// assert_eq!(LosTable::Queue.min_area_ft2(), [13.0, 10.0, 7.0, 3.0, 2.0]);
    /// ```
    pub fn min_area_ft2(self) -> [f64; 5] {
        match self {
            LosTable::Walkway => [35.0, 25.0, 15.0, 10.0, 5.0],
            LosTable::Stairway => [20.0, 15.0, 10.0, 7.0, 4.0],
            LosTable::Queue => [13.0, 10.0, 7.0, 3.0, 2.0],
        }
    }

    /// The highest density of levels A to E, 1/m²: 1 / [`LosTable::min_area`]. A density
    /// equal to `max_density()[k]` is still level k.
    pub fn max_density(self) -> [f64; 5] {
        self.min_area().map(|a| 1.0 / a)
    }

    /// The density above which a zone is at `level` in this table, persons/m²: 0 for A,
    /// else [`LosTable::max_density`] of the level before (a density equal to it is still
    /// the level before).
    ///
    /// ```
    /// use aman_analysis::los::{FruinLevel, LosTable};
    /// assert_eq!(LosTable::Walkway.min_density(FruinLevel::A), 0.0);
    /// assert_eq!(LosTable::Walkway.min_density(FruinLevel::E), 1.0 / 0.93);
    /// ```
    pub fn min_density(self, level: FruinLevel) -> f64 {
        match (level as usize).checked_sub(1) {
            Some(k) => self.max_density()[k],
            None => 0.0,
        }
    }

    /// The level of `density` (persons/m²) in this table; boundaries as in the
    /// [module docs](self).
    ///
    /// ```
    /// use aman_analysis::los::{FruinLevel, LosTable};
    /// assert_eq!(LosTable::Walkway.level(1.0), FruinLevel::D);
    /// assert_eq!(LosTable::Stairway.level(1.0), FruinLevel::C);
    /// assert_eq!(LosTable::Queue.level(1.0), FruinLevel::B);
    /// ```
    pub fn level(self, density: f64) -> FruinLevel {
        grade(density, &self.min_area())
    }

    /// The range of area per person of `level` in this table, m²/person: `(lower, upper)`,
    /// lower bound included, upper excluded; `upper` is `None` for A and `lower` is 0 for F.
    pub fn area_per_person(self, level: FruinLevel) -> (f64, Option<f64>) {
        let min = self.min_area();
        let i = level as usize;
        (
            min.get(i).copied().unwrap_or(0.0),
            i.checked_sub(1).map(|j| min[j]),
        )
    }

    /// Lower-case name: `"walkway"`, `"stairway"`, `"queue"`.
    pub fn name(self) -> &'static str {
        match self {
            LosTable::Walkway => "walkway",
            LosTable::Stairway => "stairway",
            LosTable::Queue => "queue",
        }
    }
}

/// The level of service of every value of a density series (1/m², e.g. a classic or Voronoi
/// density per frame), in the order of `series.frames`.
///
/// Boundaries as in the [module docs](self): on a threshold the better level; a NaN density
/// (the measure undefined in that frame) is level F, the worst case — [`LosSummary`] counts
/// those frames separately.
///
/// ```
/// use aman_analysis::FrameSeries;
/// use aman_analysis::los::{los_over_time, FruinLevel, LosTable};
/// let density = FrameSeries { frames: vec![0, 1, 2], values: vec![0.2, 1.0, 2.5] };
/// assert_eq!(
///     los_over_time(&density, LosTable::Walkway),
///     vec![FruinLevel::A, FruinLevel::D, FruinLevel::F]
/// );
/// ```
pub fn los_over_time(series: &FrameSeries, table: LosTable) -> Vec<FruinLevel> {
    series.values.iter().map(|&d| table.level(d)).collect()
}

/// Time spent at each level of service, from [`LosSummary::new`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LosSummary {
    /// The table graded with.
    pub table: LosTable,
    /// Frames at levels A to F (index = `level as usize`); NaN frames are counted at F.
    pub frames: [usize; 6],
    /// Time at levels A to F, s: frames × 1 / frame rate (each frame of the series stands for
    /// one frame interval).
    pub seconds: [f64; 6],
    /// Frames whose density was NaN (undefined), included in `frames[5]` and `seconds[5]`.
    pub undefined_frames: usize,
    /// The worst level reached by a defined (non-NaN) density, `None` if there is none.
    pub worst: Option<FruinLevel>,
}

impl LosSummary {
    /// Grades `series` (densities, 1/m²) with `table` and adds up the time per level, each
    /// frame counting 1 / `frame_rate` seconds. An empty series gives zero everywhere.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidTrajectory`] if `frame_rate` is not a positive finite number.
    ///
    /// ```
    /// use aman_analysis::FrameSeries;
    /// use aman_analysis::los::{FruinLevel, LosSummary, LosTable};
    /// let density = FrameSeries { frames: vec![0, 1, 2, 3], values: vec![0.2, 0.2, 3.0, f64::NAN] };
    /// let s = LosSummary::new(&density, LosTable::Walkway, 2.0).unwrap();
    /// assert_eq!(s.seconds[FruinLevel::A as usize], 1.0); // 2 frames at 2 fps
    /// assert_eq!(s.frames[FruinLevel::F as usize], 2); // 3.0 /m² and the NaN frame
    /// assert_eq!((s.undefined_frames, s.worst), (1, Some(FruinLevel::F)));
    /// ```
    pub fn new(
        series: &FrameSeries,
        table: LosTable,
        frame_rate: f64,
    ) -> Result<LosSummary, AnalysisError> {
        if !(frame_rate > 0.0 && frame_rate.is_finite()) {
            return Err(AnalysisError::InvalidTrajectory(format!(
                "frame rate {frame_rate} frames per second is invalid: it must be finite and > 0"
            )));
        }
        let mut frames = [0usize; 6];
        let mut undefined_frames = 0;
        let mut worst: Option<FruinLevel> = None;
        for &d in &series.values {
            let level = table.level(d);
            frames[level as usize] += 1;
            if d.is_nan() {
                undefined_frames += 1;
            } else {
                worst = worst.max(Some(level));
            }
        }
        Ok(LosSummary {
            table,
            frames,
            seconds: frames.map(|n| n as f64 / frame_rate),
            undefined_frames,
            worst,
        })
    }

    /// Time at `level`, s.
    pub fn seconds_at(&self, level: FruinLevel) -> f64 {
        self.seconds[level as usize]
    }

    /// Time at `level` or worse, s (e.g. `FruinLevel::E` for "E or F").
    pub fn seconds_at_or_worse(&self, level: FruinLevel) -> f64 {
        self.seconds[level as usize..].iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_belong_to_the_better_level() {
        let at = |a: f64| FruinLevel::walkway(1.0 / a);
        assert_eq!(at(3.24), FruinLevel::A);
        assert_eq!(at(2.32), FruinLevel::B);
        assert_eq!(at(1.39), FruinLevel::C);
        assert_eq!(at(0.93), FruinLevel::D);
        assert_eq!(at(0.46), FruinLevel::E);
        // Just below each threshold, the next worse level.
        let below = |a: f64| FruinLevel::walkway(1.0 / a * (1.0 + 1e-12));
        assert_eq!(below(3.24), FruinLevel::B);
        assert_eq!(below(2.32), FruinLevel::C);
        assert_eq!(below(1.39), FruinLevel::D);
        assert_eq!(below(0.93), FruinLevel::E);
        assert_eq!(below(0.46), FruinLevel::F);
    }

    #[test]
    fn typical_densities() {
        assert_eq!(FruinLevel::walkway(0.2), FruinLevel::A);
        assert_eq!(FruinLevel::walkway(0.4), FruinLevel::B);
        assert_eq!(FruinLevel::walkway(0.5), FruinLevel::C);
        assert_eq!(FruinLevel::walkway(2.0), FruinLevel::E);
        assert_eq!(FruinLevel::walkway(2.2), FruinLevel::F);
        assert_eq!(FruinLevel::walkway(-1.0), FruinLevel::A);
        assert_eq!(FruinLevel::walkway(f64::NAN), FruinLevel::F);
        assert_eq!(FruinLevel::walkway(f64::INFINITY), FruinLevel::F);
    }

    #[test]
    fn ranges_tile_and_colours_parse() {
        for pair in FruinLevel::ALL.windows(2) {
            let (better, worse) = (pair[0], pair[1]);
            assert_eq!(worse.area_per_person().1, Some(better.area_per_person().0));
            assert!(better < worse);
        }
        assert_eq!(FruinLevel::C.rgb(), [0xfe, 0xe0, 0x8b]);
        assert_eq!(FruinLevel::E.to_string(), "E");
    }
}
