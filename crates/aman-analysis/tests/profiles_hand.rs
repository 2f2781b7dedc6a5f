//! Profiles on small hand-made cases with known answers, and bad input.

use aman_analysis::profiles::{
    DensityMethod, MAX_PROFILE_VALUES, ProfileGrid, SpeedMethod, density_profile, speed_profile,
};
use aman_analysis::voronoi::VoronoiCells;
use aman_analysis::{AnalysisError, TrajectoryIndex};
use aman_geometry::Vec2;
use aman_geometry::import::walkable_area_from_wkt;
use aman_trajectory::TrajectoryData;
use geo::{Rect, coord};

fn room() -> aman_geometry::WalkableArea {
    walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "room").unwrap()
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Option<geo::Polygon<f64>> {
    Some(Rect::new(coord! {x: x0, y: y0}, coord! {x: x1, y: y1}).to_polygon())
}

/// Two persons splitting the 2 m × 1 m room at x = 0.8 (their Voronoi cells by hand), grid
/// 0.5 m: 4 × 2 cells, rows from the top.
#[test]
fn voronoi_profiles_by_hand() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 0.4, 0.5);
    d.push(2, 0, 1.4, 0.5);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let cells = VoronoiCells {
        cells: vec![rect(0.0, 0.0, 0.8, 1.0), rect(0.8, 0.0, 2.0, 1.0)],
    };
    let p = density_profile(&ix, &room(), 0.5, DensityMethod::Voronoi(&cells), ..).unwrap();
    assert_eq!((p.grid.rows(), p.grid.cols()), (2, 4));
    let f = p.frame(0);
    // Person 1: 1/0.8 m² in columns 0 and the left 0.3 m of column 1; person 2: 1/1.2 m².
    let (r1, r2) = (1.0 / 0.8, 1.0 / 1.2);
    let expect = [r1, (0.3 * r1 + 0.2 * r2) / 0.5, r2, r2];
    for row in 0..2 {
        for (c, e) in expect.iter().enumerate() {
            assert!((f[p.grid.index(row, c)] - e).abs() < 1e-12, "({row}, {c})");
        }
    }
    let speed = [1.0, 2.0];
    let v = speed_profile(&ix, &room(), 0.5, &speed, SpeedMethod::Voronoi(&cells), ..).unwrap();
    assert!((v.frame(0)[1] - (0.3 * 1.0 + 0.2 * 2.0) / 0.5).abs() < 1e-12);
    assert!((v.frame(0)[3] - 2.0).abs() < 1e-12);
    let a = speed_profile(
        &ix,
        &room(),
        0.5,
        &speed,
        SpeedMethod::Arithmetic(&cells),
        ..,
    )
    .unwrap();
    assert_eq!(a.frame(0)[..4], [1.0, 1.5, 2.0, 2.0]);
    // A row without a cell or without a speed is not used; a frame without usable rows is not
    // in the profile.
    let cells1 = VoronoiCells {
        cells: vec![None, rect(0.0, 0.0, 2.0, 1.0)],
    };
    let a = speed_profile(
        &ix,
        &room(),
        0.5,
        &[1.0, f64::NAN],
        SpeedMethod::Arithmetic(&cells1),
        ..,
    )
    .unwrap();
    assert!(a.frames.is_empty());
}

/// A cell whose polygon only touches a grid line has zero area there: not counted by the
/// arithmetic speed profile (PedPy's threshold 1e-16 m²).
#[test]
fn touching_cells_do_not_count() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 0.25, 0.5);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let cells = VoronoiCells {
        cells: vec![rect(0.0, 0.0, 0.5, 1.0)],
    };
    let a = speed_profile(
        &ix,
        &room(),
        0.5,
        &[1.0],
        SpeedMethod::Arithmetic(&cells),
        ..,
    )
    .unwrap();
    assert_eq!(a.frame(0), &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn gaussian_profiles_by_hand() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 0.75, 0.25);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let fwhm = 0.5;
    let p = density_profile(&ix, &room(), 0.5, DensityMethod::Gaussian { fwhm }, ..).unwrap();
    // PedPy's 1-D Gaussian g(x) = exp(−x²/2σ²) / (2.50662 σ), σ = FWHM / 2.35482, per axis.
    let sigma = fwhm / 2.35482;
    let g = |x: f64| (-(x * x) / (2.0 * sigma * sigma)).exp() / (2.50662 * sigma);
    for cell in 0..p.grid.len() {
        let c = p.grid.centre(cell).unwrap();
        let want = g(c.x - 0.75) * g(c.y - 0.25);
        assert!((p.frame(0)[cell] - want).abs() < 1e-14, "{cell}");
    }
    // A single person: the Gaussian speed is their speed everywhere.
    let s = speed_profile(
        &ix,
        &room(),
        0.5,
        &[1.25],
        SpeedMethod::Gaussian { fwhm },
        ..,
    )
    .unwrap();
    assert!(s.frame(0).iter().all(|&v| (v - 1.25).abs() < 1e-15));
}

#[test]
fn bad_input_is_rejected() {
    let mut d = TrajectoryData::new(10.0);
    d.push(1, 0, 0.5, 0.5);
    let ix = TrajectoryIndex::new(&d).unwrap();
    for g in [0.0, -0.2, f64::NAN, f64::INFINITY] {
        let e = density_profile(&ix, &room(), g, DensityMethod::Classic, ..).unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidCellSize { .. }), "{e}");
        let e = speed_profile(&ix, &room(), g, &[1.0], SpeedMethod::Mean { fill: 0.0 }, ..)
            .unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidCellSize { .. }), "{e}");
    }
    let e = density_profile(&ix, &room(), 1e-4, DensityMethod::Classic, ..).unwrap_err();
    assert!(matches!(e, AnalysisError::GridTooLarge { .. }), "{e}");
    assert!(e.to_string().contains("use a larger cell size"), "{e}");
    for w in [0.0, -1.0, f64::NAN] {
        let e = density_profile(&ix, &room(), 0.5, DensityMethod::Gaussian { fwhm: w }, ..)
            .unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidLength { .. }), "{e}");
        let e = speed_profile(
            &ix,
            &room(),
            0.5,
            &[1.0],
            SpeedMethod::Gaussian { fwhm: w },
            ..,
        )
        .unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidLength { .. }), "{e}");
    }
    let e = speed_profile(
        &ix,
        &room(),
        0.5,
        &[1.0, 2.0],
        SpeedMethod::Mean { fill: 0.0 },
        ..,
    )
    .unwrap_err();
    assert_eq!(
        e,
        AnalysisError::LengthMismatch {
            what: "speed",
            len: 2,
            rows: 1
        }
    );
    let cells = VoronoiCells { cells: vec![] };
    let e = density_profile(&ix, &room(), 0.5, DensityMethod::Voronoi(&cells), ..).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::LengthMismatch {
                what: "Voronoi cells",
                ..
            }
        ),
        "{e}"
    );
    // Too many values: frames × cells above the limit.
    let mut many = TrajectoryData::new(10.0);
    for f in 0..2000 {
        many.push(1, f, 0.5, 0.5);
    }
    let ix = TrajectoryIndex::new(&many).unwrap();
    let big = walkable_area_from_wkt("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", "b").unwrap();
    let e = density_profile(&ix, &big, 0.05, DensityMethod::Classic, ..).unwrap_err();
    match e {
        AnalysisError::ProfileTooLarge { frames, cells, max } => {
            assert_eq!((frames, max), (2000, MAX_PROFILE_VALUES));
            assert!(frames * cells > max);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn empty_data_and_frame_ranges() {
    let d = TrajectoryData::new(10.0);
    let ix = TrajectoryIndex::new(&d).unwrap();
    let p = density_profile(&ix, &room(), 0.5, DensityMethod::Classic, ..).unwrap();
    assert!(p.frames.is_empty() && p.values.is_empty());
    assert!(p.mean().iter().all(|v| v.is_nan()));
    let mut d = TrajectoryData::new(10.0);
    for f in 0..5 {
        d.push(1, f, 0.5, 0.5);
    }
    let ix = TrajectoryIndex::new(&d).unwrap();
    let p = density_profile(&ix, &room(), 0.5, DensityMethod::Classic, 1..3).unwrap();
    assert_eq!(p.frames, vec![1, 2]);
    assert!(p.frame_of(3).is_none());
}

#[test]
fn walkable_fractions_mask_the_outside() {
    // An L-shaped area: the top-right quarter of its bounding box is not walkable.
    let l = walkable_area_from_wkt("POLYGON ((0 0, 2 0, 2 1, 1 1, 1 2, 0 2, 0 0))", "L").unwrap();
    let g = ProfileGrid::cells(Vec2::new(0.0, 0.0), Vec2::new(2.0, 2.0), 0.5).unwrap();
    let f = g.walkable_fractions(&l);
    assert_eq!(f.len(), 16);
    assert_eq!(f[g.index(0, 3)], 0.0); // top right
    assert_eq!(f[g.index(3, 0)], 1.0); // bottom left
    let total: f64 = f.iter().sum::<f64>() * 0.25;
    assert!((total - 3.0).abs() < 1e-12);
}
