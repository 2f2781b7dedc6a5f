//! The line-based fundamental diagram against PedPy 1.5.1 on the AO300 bottleneck, in both
//! directions of the line and across a line where persons meet it from both sides; its units
//! on a lattice moving at constant speed.
//!
//! PedPy figures (PedPy 1.5.1, shapely 2.2.0): `iv = compute_individual_voronoi_polygons(
//! traj_data=traj, walkable_area=WalkableArea(WKT))`; `species = compute_species(
//! trajectory_data=traj, individual_voronoi_polygons=iv, measurement_line=line, frame_step=5)`;
//! `sp = compute_individual_speed(traj_data=traj, frame_step=5, compute_velocity=True,
//! speed_calculation=SpeedCalculation.BORDER_SINGLE_SIDED)`; `compute_line_density(…,
//! species=species)`, `compute_line_speed(…, individual_speed=sp, species=species)`,
//! `compute_line_flow(…)`; means over the frames PedPy returns.

mod voronoi_support;

use aman_analysis::AnalysisError;
use aman_analysis::index::TrajectoryIndex;
use aman_analysis::line_fd::{
    LineSeries, Species, line_density, line_flow, line_fundamental_diagram, line_speed, species,
};
use aman_analysis::voronoi::individual_voronoi_cells;
use aman_geometry::{MeasurementLine, Segment, Vec2, import};
use aman_trajectory::TrajectoryData;
use voronoi_support::{AO300, single_sided_velocity};

fn line(ax: f64, ay: f64, bx: f64, by: f64) -> MeasurementLine {
    MeasurementLine {
        name: "line".into(),
        segment: Segment::new(Vec2::new(ax, ay), Vec2::new(bx, by)),
    }
}

/// Mean of a column over the frames where it is defined (pandas' `mean`, NaN skipped).
fn mean(v: &[f64]) -> f64 {
    let d: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    d.iter().sum::<f64>() / d.len() as f64
}

fn at(s: &LineSeries, frame: u64) -> [f64; 3] {
    let k = s.frames.iter().position(|&f| f == frame).unwrap();
    [s.plus[k], s.minus[k], s.total[k]]
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-9
}

fn check_frame(s: &LineSeries, frame: u64, pedpy: [f64; 3]) {
    let ours = at(s, frame);
    for i in 0..3 {
        assert!(
            close(ours[i], pedpy[i]),
            "frame {frame}: {ours:?} vs {pedpy:?}"
        );
    }
}

const NAN: f64 = f64::NAN;

struct Fd {
    species: Species,
    density: LineSeries,
    speed: LineSeries,
    flow: LineSeries,
}

fn ao300_fd(l: &MeasurementLine) -> Fd {
    let data = AO300.data();
    let index = TrajectoryIndex::new(&data).unwrap();
    let cells = individual_voronoi_cells(&index, &AO300.walkable(), None, true).unwrap();
    let (_, velocity) = single_sided_velocity(&index, 5);
    let sp = species(&index, &cells, l, 5).unwrap();
    let fd = Fd {
        density: line_density(&index, &cells, l, &sp).unwrap(),
        speed: line_speed(&index, &cells, l, &sp, &velocity).unwrap(),
        flow: line_flow(&index, &cells, l, &sp, &velocity).unwrap(),
        species: sp,
    };
    // The one-call form finds the cells at the line once; it must give the same, bit for bit.
    let once = line_fundamental_diagram(&index, &cells, l, 5, &velocity).unwrap();
    assert_eq!(once.species, fd.species);
    for (a, b) in [
        (&once.density, &fd.density),
        (&once.speed, &fd.speed),
        (&once.flow, &fd.flow),
    ] {
        assert_eq!(a.frames, b.frames);
        for (x, y) in a
            .total
            .iter()
            .chain(&a.plus)
            .chain(&a.minus)
            .zip(b.total.iter().chain(&b.plus).chain(&b.minus))
        {
            assert!(x.to_bits() == y.to_bits(), "{x} vs {y}");
        }
    }
    fd
}

#[test]
fn ao300_line_in_the_bottleneck_matches_pedpy() {
    // LINESTRING (-2.25 0.5, 4 0.5): normal (0, -1), everyone walks +y: species -1.
    let fd = ao300_fd(&line(-2.25, 0.5, 4.0, 0.5));
    assert_eq!((fd.species.count(-1), fd.species.count(1)), (348, 0));
    assert_eq!(fd.density.frames.len(), 959);
    assert!((mean(&fd.density.total) - 0.917341043295366).abs() < 1e-10);
    assert!((mean(&fd.speed.total) - 0.4226514858437767).abs() < 1e-10);
    assert!((mean(&fd.flow.total) - 0.7997543170453726).abs() < 1e-10);
    assert!(fd.density.plus.iter().all(|x| x.is_nan()));
    check_frame(
        &fd.density,
        50,
        [NAN, 0.7247855267889578, 0.7247855267889578],
    );
    check_frame(
        &fd.density,
        600,
        [NAN, 1.2333503353495836, 1.2333503353495836],
    );
    check_frame(
        &fd.speed,
        200,
        [NAN, 0.4475593201418502, 0.4475593201418502],
    );
    check_frame(
        &fd.speed,
        800,
        [NAN, 0.37867973579719105, 0.37867973579719105],
    );
    check_frame(&fd.flow, 400, [NAN, 1.0644487289197802, 1.0644487289197802]);
    check_frame(
        &fd.flow,
        800,
        [NAN, 0.35188311519360777, 0.35188311519360777],
    );
}

#[test]
fn ao300_reversed_line_swaps_the_species() {
    // LINESTRING (4 0.5, -2.25 0.5): normal (0, 1), species +1, same values.
    let fd = ao300_fd(&line(4.0, 0.5, -2.25, 0.5));
    assert_eq!((fd.species.count(-1), fd.species.count(1)), (0, 348));
    assert!((mean(&fd.density.total) - 0.917341043295366).abs() < 1e-10);
    assert!((mean(&fd.speed.total) - 0.4226514858437767).abs() < 1e-10);
    check_frame(
        &fd.density,
        100,
        [1.091696968381603, NAN, 1.091696968381603],
    );
    check_frame(
        &fd.speed,
        300,
        [0.40088145969735045, NAN, 0.40088145969735045],
    );
}

#[test]
fn ao300_line_crossed_both_ways_matches_pedpy() {
    // LINESTRING (0.9 -8.5, 0.9 -0.53): a vertical line in the waiting area; persons meet it
    // from both sides on their way to the bottleneck.
    let fd = ao300_fd(&line(0.9, -8.5, 0.9, -0.53));
    assert_eq!((fd.species.count(1), fd.species.count(-1)), (61, 33));
    assert_eq!(fd.species.count(0), 0);
    assert_eq!(
        fd.species.per_track.iter().filter(|s| s.is_none()).count(),
        348 - 94
    );
    let d = &fd.density;
    assert_eq!(d.frames.len(), 959);
    assert_eq!(d.plus.iter().filter(|x| !x.is_nan()).count(), 928);
    assert_eq!(d.minus.iter().filter(|x| !x.is_nan()).count(), 876);
    for (ours, pedpy) in [
        (mean(&d.plus), 1.4266766864869767),
        (mean(&d.minus), 1.0920656408909086),
        (mean(&d.total), 2.378107889969083),
        (mean(&fd.speed.plus), 0.019026790259389595),
        (mean(&fd.speed.minus), 0.0067448678164561465),
        (mean(&fd.speed.total), 0.024572852521302528),
        (mean(&fd.flow.plus), 0.030244143892929322),
        (mean(&fd.flow.minus), -0.006648129194042191),
        (mean(&fd.flow.total), 0.023193748027797133),
    ] {
        assert!((ours - pedpy).abs() < 1e-10, "{ours} vs {pedpy}");
    }
    check_frame(
        d,
        300,
        [2.255132948187571, 1.304853096038629, 3.5599860442262],
    );
    check_frame(
        &fd.speed,
        100,
        [
            0.03656064770054322,
            0.0021418923209488164,
            0.03870254002149204,
        ],
    );
    check_frame(
        &fd.flow,
        300,
        [
            -0.0005505216087973545,
            0.001482634630189785,
            0.0009321130213924304,
        ],
    );
}

/// Persons on a 1 m × 0.5 m lattice in a 4 m wide corridor, all walking +y at 1.2 m/s:
/// density 2 /m², speed 1.2 m/s, specific flow ρ·v = 2.4 /(m·s); through the 4 m line that is
/// 9.6 persons/s, which is what one sees counting: rows 0.5 m apart pass at 1.2 m/s (2.4 rows/s)
/// with 4 persons each.
#[test]
fn flow_is_a_specific_flow_per_metre_and_second() {
    let walkable =
        import::walkable_area_from_wkt("POLYGON ((0 -20, 4 -20, 4 40, 0 40, 0 -20))", "corridor")
            .unwrap();
    let mut data = TrajectoryData::new(10.0);
    for frame in 0..11u64 {
        for row in 0..40 {
            for col in 0..4 {
                let id = (row * 4 + col) as u64;
                let y = -10.0 + 0.5 * row as f64 + 0.12 * frame as f64;
                data.push(id, frame, 0.5 + col as f64, y);
            }
        }
    }
    data.sort_rows();
    let index = TrajectoryIndex::new(&data).unwrap();
    let cells = individual_voronoi_cells(&index, &walkable, None, true).unwrap();
    // The line at y = 0.1 (away from cell edges), from right to left: normal (0, +1).
    let l = line(4.0, 0.1, 0.0, 0.1);
    let sp = species(&index, &cells, &l, 2).unwrap();
    // Over the 11 frames three rows of 4 persons have cells on the line.
    assert_eq!(sp.count(1), 12);
    assert_eq!(sp.count(-1), 0);
    let (_, velocity) = single_sided_velocity(&index, 2);
    let d = line_density(&index, &cells, &l, &sp).unwrap();
    let v = line_speed(&index, &cells, &l, &sp, &velocity).unwrap();
    let j = line_flow(&index, &cells, &l, &sp, &velocity).unwrap();
    let k = d.frames.iter().position(|&f| f == 5).unwrap();
    assert!((d.total[k] - 2.0).abs() < 1e-9, "{}", d.total[k]);
    assert!((v.total[k] - 1.2).abs() < 1e-9, "{}", v.total[k]);
    assert!((j.total[k] - 2.4).abs() < 1e-9, "{}", j.total[k]);
    assert!((j.total[k] * l.width() - 9.6).abs() < 1e-8);
}

#[test]
fn bad_inputs() {
    let data = {
        let mut d = TrajectoryData::new(16.0);
        for f in 0..3 {
            d.push(1, f, 1.0, 1.0 + 0.1 * f as f64);
            d.push(2, f, 3.0, 1.0);
        }
        d
    };
    let index = TrajectoryIndex::new(&data).unwrap();
    let w = import::walkable_area_from_wkt("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))", "room").unwrap();
    let cells = individual_voronoi_cells(&index, &w, None, true).unwrap();
    let l = line(0.0, 2.0, 4.0, 2.0);
    let e = species(&index, &cells, &line(1.0, 1.0, 1.0, 1.0), 1).unwrap_err();
    assert!(matches!(e, AnalysisError::DegenerateLine { .. }), "{e:?}");
    let e = species(&index, &cells, &l, 0).unwrap_err();
    assert!(
        matches!(e, AnalysisError::InvalidFrameCount { .. }),
        "{e:?}"
    );
    // Person 2 stands still: species 0, left out of the sums (PedPy: sign 0).
    let sp = species(&index, &cells, &l, 1).unwrap();
    assert_eq!(sp.per_track, vec![Some(-1), Some(0)]);
    let d = line_density(&index, &cells, &l, &sp).unwrap();
    // Person 1's cell (x < 2) holds half the line: 1/8 m⁻² · 1/2.
    assert_eq!(d.frames, vec![0, 1, 2]);
    assert!((d.total[0] - 1.0 / 16.0).abs() < 1e-12 && d.plus[0].is_nan());
    // Species of another line: a cell meets the line but its person has none.
    let no_species = Species {
        per_track: vec![None, Some(0)],
    };
    let e = line_density(&index, &cells, &l, &no_species).unwrap_err();
    assert!(
        matches!(e, AnalysisError::SpeciesMismatch { id: 1, frame: 0 }),
        "{e:?}"
    );
    let mut velocity = vec![Vec2::new(0.0, 1.0); data.len()];
    velocity[3] = Vec2::new(f64::NAN, f64::NAN); // person 2, frame 1
    let e = line_flow(&index, &cells, &l, &sp, &velocity).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::MissingSpeed {
                id: 2,
                frame: 1,
                ..
            }
        ),
        "{e:?}"
    );
    let e = line_speed(&index, &cells, &l, &sp, &velocity[..2]).unwrap_err();
    assert!(matches!(e, AnalysisError::LengthMismatch { .. }), "{e:?}");
}
