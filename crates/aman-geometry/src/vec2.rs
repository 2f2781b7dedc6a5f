//! Plain 2-D vectors and line segments in metres.

use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

/// A 2-D vector or point, in metres (positions) or metres per second (velocities).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vec2 {
    /// x component.
    pub x: f64,
    /// y component.
    pub y: f64,
}

impl Vec2 {
    /// The zero vector.
    pub const ZERO: Vec2 = Vec2 { x: 0.0, y: 0.0 };

    /// A vector from its components.
    #[inline]
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    /// Scalar (dot) product.
    #[inline]
    pub fn dot(self, o: Vec2) -> f64 {
        self.x * o.x + self.y * o.y
    }
    /// z component of the cross product `self × o`.
    #[inline]
    pub fn cross(self, o: Vec2) -> f64 {
        self.x * o.y - self.y * o.x
    }
    /// Euclidean norm, `√(x² + y²)` (no overflow guard: coordinates are metres, far below
    /// 1e150, and `hypot` costs several times more in the simulator's inner loops).
    #[inline]
    pub fn norm(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
    /// Squared Euclidean norm.
    #[inline]
    pub fn norm_sq(self) -> f64 {
        self.x * self.x + self.y * self.y
    }
    /// The unit vector in this direction, or zero for a (near-)zero vector.
    #[inline]
    pub fn normalized(self) -> Vec2 {
        let n = self.norm();
        if n > 1e-12 {
            self * (1.0 / n)
        } else {
            Vec2::ZERO
        }
    }
    /// Rotated by +90° (counter-clockwise): the left normal.
    #[inline]
    pub fn perp(self) -> Vec2 {
        Vec2::new(-self.y, self.x)
    }
    /// Rotated counter-clockwise by `angle` radians.
    #[inline]
    pub fn rotated(self, angle: f64) -> Vec2 {
        let (s, c) = angle.sin_cos();
        Vec2::new(c * self.x - s * self.y, s * self.x + c * self.y)
    }
    /// Distance to another point.
    #[inline]
    pub fn distance(self, o: Vec2) -> f64 {
        (self - o).norm()
    }
}

impl Add for Vec2 {
    type Output = Vec2;
    #[inline]
    fn add(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x + o.x, self.y + o.y)
    }
}
impl AddAssign for Vec2 {
    #[inline]
    fn add_assign(&mut self, o: Vec2) {
        self.x += o.x;
        self.y += o.y;
    }
}
impl Sub for Vec2 {
    type Output = Vec2;
    #[inline]
    fn sub(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x - o.x, self.y - o.y)
    }
}
impl SubAssign for Vec2 {
    #[inline]
    fn sub_assign(&mut self, o: Vec2) {
        self.x -= o.x;
        self.y -= o.y;
    }
}
impl Mul<f64> for Vec2 {
    type Output = Vec2;
    #[inline]
    fn mul(self, s: f64) -> Vec2 {
        Vec2::new(self.x * s, self.y * s)
    }
}
impl Neg for Vec2 {
    type Output = Vec2;
    #[inline]
    fn neg(self) -> Vec2 {
        Vec2::new(-self.x, -self.y)
    }
}

/// A line segment from `a` to `b` (metres): a piece of wall, or a measurement line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start point.
    pub a: Vec2,
    /// End point.
    pub b: Vec2,
}

impl Segment {
    /// A segment from its end points.
    pub const fn new(a: Vec2, b: Vec2) -> Self {
        Self { a, b }
    }
    /// Length in metres.
    pub fn length(&self) -> f64 {
        (self.b - self.a).norm()
    }
    /// The point of the segment closest to `p`.
    #[inline]
    pub fn closest_point(&self, p: Vec2) -> Vec2 {
        let ab = self.b - self.a;
        let len2 = ab.norm_sq();
        if len2 <= 0.0 {
            return self.a;
        }
        let t = ((p - self.a).dot(ab) / len2).clamp(0.0, 1.0);
        self.a + ab * t
    }
    /// Distance from `p` to the segment, metres.
    #[inline]
    pub fn distance(&self, p: Vec2) -> f64 {
        (p - self.closest_point(p)).norm()
    }
    /// Whether this segment and `o` share a point (touching counts).
    #[inline]
    pub fn intersects(&self, o: &Segment) -> bool {
        let d1 = (self.b - self.a).cross(o.a - self.a);
        let d2 = (self.b - self.a).cross(o.b - self.a);
        let d3 = (o.b - o.a).cross(self.a - o.a);
        let d4 = (o.b - o.a).cross(self.b - o.a);
        if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
            && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
        {
            return true;
        }
        let on = |p: Vec2, s: &Segment, d: f64| d == 0.0 && s.distance(p) <= 1e-12;
        on(o.a, self, d1) || on(o.b, self, d2) || on(self.a, o, d3) || on(self.b, o, d4)
    }
    /// Signed side of `p`: > 0 left of a→b, < 0 right, 0 on the line.
    #[inline]
    pub fn side(&self, p: Vec2) -> f64 {
        (self.b - self.a).cross(p - self.a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_distance_and_intersection() {
        let s = Segment::new(Vec2::new(0.0, 0.0), Vec2::new(2.0, 0.0));
        assert_eq!(s.distance(Vec2::new(1.0, 1.5)), 1.5);
        assert_eq!(s.distance(Vec2::new(3.0, 0.0)), 1.0);
        let crossing = Segment::new(Vec2::new(1.0, -1.0), Vec2::new(1.0, 1.0));
        let apart = Segment::new(Vec2::new(3.0, -1.0), Vec2::new(3.0, 1.0));
        let touching = Segment::new(Vec2::new(2.0, 0.0), Vec2::new(2.0, 1.0));
        assert!(s.intersects(&crossing));
        assert!(!s.intersects(&apart));
        assert!(s.intersects(&touching));
    }

    #[test]
    fn rotation_and_perp() {
        let v = Vec2::new(1.0, 0.0);
        let r = v.rotated(std::f64::consts::FRAC_PI_2);
        assert!((r.x).abs() < 1e-15 && (r.y - 1.0).abs() < 1e-15);
        assert_eq!(v.perp(), Vec2::new(0.0, 1.0));
    }
}
