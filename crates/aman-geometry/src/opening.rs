//! Openings in walls: doors drawn as segments of the walkable area's boundary.
//!
//! A door is where the boundary is open. Its walls are the boundary with the door's stretch cut
//! out ([`cut_openings`]), and whoever crosses that stretch has left the area, so a door passes
//! no more people than its clear width allows — unlike an exit *area* lying against the wall,
//! which agents also enter from its sides.

use crate::{Segment, Vec2};

/// How far (m) a door's line may lie from a wall and still count as lying along it: drawings
/// snap to about a centimetre; 5 cm leaves room for rounded coordinates.
pub const ON_WALL_TOLERANCE: f64 = 0.05;

/// The interval `[lo, hi]` (m along `door` from its first point) over which wall `w` runs
/// along the door: both lie within `tol` of each other there (the wall's points at `lo` and
/// `hi` are within `tol` of the door's line, and the door's points there within `tol` of the
/// wall's line, so a door drawn slightly slanted or beside the wall still counts), with the
/// two nearly parallel. Also the door coordinates of the wall's ends, `ua` and `ub`. `None` when
/// they do not run together over more than 1 nm.
fn overlap(door: &Segment, w: &Segment, tol: f64) -> Option<(f64, f64, f64, f64)> {
    let len = door.length();
    let wl = w.length();
    if len <= 0.0 || wl <= 0.0 {
        return None;
    }
    let e = (door.b - door.a) * (1.0 / len);
    let f = (w.b - w.a) * (1.0 / wl);
    // nearly parallel: over the door's length the two lines part by at most 2 tol
    if e.cross(f).abs() * len > 2.0 * tol + 1e-12 || e.dot(f).abs() < 0.5 {
        return None;
    }
    let (ua, ub) = ((w.a - door.a).dot(e), (w.b - door.a).dot(e));
    let (lo, hi) = (ua.min(ub).max(0.0), ua.max(ub).min(len));
    if hi - lo <= 1e-9 {
        return None;
    }
    // the wall's points over [lo, hi] near the door's line, and the door's near the wall's
    let wall_at = |u: f64| w.a + (w.b - w.a) * ((u - ua) / (ub - ua));
    let off = |p: Vec2| e.cross(p - door.a).abs();
    let near = [lo, hi]
        .into_iter()
        .all(|u| off(wall_at(u)) <= tol && w.distance(door.a + e * u) <= tol);
    near.then_some((lo, hi, ua, ub))
}

/// Length in metres of `door` that lies along `walls` (within `tol` of a wall's line and
/// between its ends): equal to the door's length when the door lies entirely on the boundary.
pub fn length_along_walls(walls: &[Segment], door: &Segment, tol: f64) -> f64 {
    let mut spans: Vec<(f64, f64)> = walls
        .iter()
        .filter_map(|w| overlap(door, w, tol).map(|(lo, hi, _, _)| (lo, hi)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut total, mut end) = (0.0, f64::NEG_INFINITY);
    for (lo, hi) in spans {
        let lo = lo.max(end);
        if hi > lo {
            total += hi - lo;
            end = hi;
        }
    }
    total
}

/// The walls with every opening cut out, and the pieces cut out (the openings as they lie on
/// the walls). A wall that lies along an opening (see [`length_along_walls`]) keeps only its
/// parts beyond the opening's ends; other walls are kept whole. Pieces shorter than 1 nm are
/// dropped.
///
/// ```
/// use aman_geometry::{Segment, Vec2, opening::cut_openings};
/// let wall = Segment::new(Vec2::new(0.0, 0.0), Vec2::new(10.0, 0.0));
/// let door = Segment::new(Vec2::new(4.0, 0.0), Vec2::new(5.2, 0.0));
/// let (walls, cut) = cut_openings(&[wall], &[door], 0.05);
/// assert_eq!(walls.len(), 2);
/// assert_eq!((walls[0].b.x, walls[1].a.x), (4.0, 5.2));
/// assert!((cut[0].length() - 1.2).abs() < 1e-12);
/// ```
pub fn cut_openings(
    walls: &[Segment],
    openings: &[Segment],
    tol: f64,
) -> (Vec<Segment>, Vec<Segment>) {
    let mut out = Vec::with_capacity(walls.len() + 2 * openings.len());
    let mut cut = Vec::new();
    for w in walls {
        let mut pieces = vec![*w];
        for door in openings {
            let mut next = Vec::with_capacity(pieces.len() + 1);
            for p in pieces {
                let Some((lo, hi, ua, ub)) = overlap(door, &p, tol) else {
                    next.push(p);
                    continue;
                };
                // the point of `p` at door coordinate u (p runs from ua to ub)
                let at = |u: f64| p.a + (p.b - p.a) * ((u - ua) / (ub - ua));
                let (first, second) = if ua <= ub {
                    ((p.a, at(lo)), (at(hi), p.b))
                } else {
                    ((p.a, at(hi)), (at(lo), p.b))
                };
                for (a, b) in [first, second] {
                    if a.distance(b) > 1e-9 {
                        next.push(Segment::new(a, b));
                    }
                }
                cut.push(Segment::new(at(lo), at(hi)));
            }
            pieces = next;
        }
        out.extend(pieces);
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(ax: f64, ay: f64, bx: f64, by: f64) -> Segment {
        Segment::new(Vec2::new(ax, ay), Vec2::new(bx, by))
    }

    #[test]
    fn a_door_over_two_collinear_edges_is_cut_from_both() {
        // the wall y = 0 drawn as two edges meeting at x = 5; a door from 4 to 6, drawn the
        // other way round
        let walls = [
            seg(0.0, 0.0, 5.0, 0.0),
            seg(5.0, 0.0, 10.0, 0.0),
            seg(10.0, 0.0, 10.0, 4.0),
        ];
        let door = seg(6.0, 0.01, 4.0, 0.01);
        assert!((length_along_walls(&walls, &door, 0.05) - 2.0).abs() < 1e-12);
        let (left, cut) = cut_openings(&walls, &[door], 0.05);
        assert_eq!(
            left,
            vec![
                seg(0.0, 0.0, 4.0, 0.0),
                seg(6.0, 0.0, 10.0, 0.0),
                seg(10.0, 0.0, 10.0, 4.0)
            ]
        );
        let cut_len: f64 = cut.iter().map(Segment::length).sum();
        assert!((cut_len - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_door_off_the_wall_or_across_a_corner_is_not_along_it() {
        let walls = [seg(0.0, 0.0, 10.0, 0.0), seg(10.0, 0.0, 10.0, 4.0)];
        // 10 cm inside the room
        assert_eq!(
            length_along_walls(&walls, &seg(4.0, 0.1, 6.0, 0.1), 0.05),
            0.0
        );
        // round the corner: only its 1 m along y = 0 counts
        let corner = seg(9.0, 0.0, 11.0, 0.0);
        assert!((length_along_walls(&walls, &corner, 0.05) - 1.0).abs() < 1e-12);
        // a wall that only touches the door's end is not cut
        let (left, cut) = cut_openings(&walls, &[seg(10.0, 0.0, 10.0, -2.0)], 0.05);
        assert_eq!(left.len(), 2);
        assert!(cut.is_empty());
    }

    #[test]
    fn a_door_drawn_slightly_slanted_still_lies_along_the_wall() {
        let walls = [seg(10.0, 0.0, 10.0, 10.0)];
        // 2 cm off at one end, on the wall at the other
        let door = seg(10.0, 4.0, 10.02, 6.0);
        assert!((length_along_walls(&walls, &door, 0.05) - 2.0).abs() < 1e-3);
        let (left, cut) = cut_openings(&walls, &[door], 0.05);
        assert_eq!(left.len(), 2);
        let cut_len: f64 = cut.iter().map(Segment::length).sum();
        assert!((cut_len - 2.0).abs() < 1e-3, "{cut_len}");
        // 10 cm off at one end: not along it
        assert_eq!(
            length_along_walls(&walls, &seg(10.0, 4.0, 10.1, 6.0), 0.05),
            0.0
        );
    }

    #[test]
    fn two_doors_in_one_wall() {
        let walls = [seg(0.0, 0.0, 10.0, 0.0)];
        let doors = [seg(1.0, 0.0, 2.0, 0.0), seg(8.0, 0.0, 9.5, 0.0)];
        let (left, cut) = cut_openings(&walls, &doors, 0.05);
        assert_eq!(
            left,
            vec![
                seg(0.0, 0.0, 1.0, 0.0),
                seg(2.0, 0.0, 8.0, 0.0),
                seg(9.5, 0.0, 10.0, 0.0)
            ]
        );
        assert_eq!(cut.len(), 2);
    }
}
