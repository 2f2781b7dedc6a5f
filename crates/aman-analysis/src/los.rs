//! Level of service after Fruin (walkways).
//!
//! J. J. Fruin, *Pedestrian Planning and Design*, Metropolitan Association of Urban Designers
//! and Environmental Planners, New York, 1971: the level-of-service table for walkways, which
//! grades the space available per person. Fruin gives it in ft²/person (35, 25, 15, 10, 5); the
//! metric thresholds below are those in common use.
//!
//! | level | area per person a (m²/person) | density ρ = 1/a (1/m²) | what walkers experience |
//! |---|---|---|---|
//! | A | a ≥ 3.24 | ρ ≤ 0.31 | free choice of speed, conflicts avoided |
//! | B | 2.32 ≤ a < 3.24 | 0.31 < ρ ≤ 0.43 | normal speed, minor conflicts when passing |
//! | C | 1.39 ≤ a < 2.32 | 0.43 < ρ ≤ 0.72 | speed and passing restricted, cross flows difficult |
//! | D | 0.93 ≤ a < 1.39 | 0.72 < ρ ≤ 1.08 | most walkers slowed, passing difficult |
//! | E | 0.46 ≤ a < 0.93 | 1.08 < ρ ≤ 2.17 | everyone slowed, shuffling, frequent contact |
//! | F | a < 0.46 | ρ > 2.17 | critical: shuffling or standing, unavoidable contact, flow breaks down |
//!
//! A value exactly on a threshold belongs to the better level (a = 3.24 m² is level A), as the
//! "a ≥ 3.24" of the table says. PedPy has no level-of-service function.

use serde::{Deserialize, Serialize};

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

/// Lower bounds of the area per person of levels A to E, m²/person (F has none).
const MIN_AREA: [f64; 5] = [3.24, 2.32, 1.39, 0.93, 0.46];

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
        for (level, min_area) in Self::ALL.iter().zip(MIN_AREA) {
            if density <= 1.0 / min_area {
                return *level;
            }
        }
        FruinLevel::F
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
