//! Venue metres to WGS84 degrees, for CAP alert areas (CAP 1.2 §3.2.4 `polygon`: WGS 84
//! latitude, longitude).
//!
//! A local tangent plane at the venue's origin (x east, y north, metres): latitude changes
//! by y / M and longitude by x / (N cos φ₀), with M and N the meridional and prime-vertical
//! radii of curvature of the WGS 84 ellipsoid at φ₀ (a = 6 378 137 m, f = 1/298.257 223 563):
//!
//! ```text
//! M = a (1 − e²) / (1 − e² sin² φ₀)^{3/2}        N = a / (1 − e² sin² φ₀)^{1/2}
//! ```
//!
//! At venue scale (≤ 1 km) this agrees with the geodesic to well under a decimetre, which
//! is below what an alert area needs.

/// WGS 84 semi-major axis, m.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// (latitude, longitude) in degrees of the venue point (x, y) metres, for a venue whose
/// origin (0, 0) is at `origin` = (latitude, longitude) degrees.
///
/// ```
/// use aman_ops::georef::to_wgs84;
/// let (lat, lon) = to_wgs84((45.0, 4.8), 0.0, 1000.0);
/// assert!((lat - 45.009_00).abs() < 1e-4 && lon == 4.8);
/// ```
pub fn to_wgs84(origin: (f64, f64), x: f64, y: f64) -> (f64, f64) {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let phi = origin.0.to_radians();
    let s2 = phi.sin().powi(2);
    let m = WGS84_A * (1.0 - e2) / (1.0 - e2 * s2).powf(1.5);
    let n = WGS84_A / (1.0 - e2 * s2).sqrt();
    (
        origin.0 + (y / m).to_degrees(),
        origin.1 + (x / (n * phi.cos())).to_degrees(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_and_longitude() {
        // At 45°: 1° of latitude is 111 132.95 m, 1° of longitude 78 846.84 m (WGS 84).
        let (lat, _) = to_wgs84((45.0, 0.0), 0.0, 111_132.95);
        assert!((lat - 46.0).abs() < 2e-3, "{lat}"); // M varies over the degree
        let (_, lon) = to_wgs84((45.0, 0.0), 788.4684, 0.0);
        assert!((lon - 0.01).abs() < 1e-7, "{lon}");
        let (lat, _) = to_wgs84((45.0, 0.0), 0.0, 1111.3295);
        assert!((lat - 45.01).abs() < 1e-6, "{lat}");
    }
}
