//! What incidents, units and tasks share: who sees a record ([`Visibility`]), where it is
//! ([`Location`]), and the checks of their bounded text fields ([`FieldError`]).

use serde::{Deserialize, Serialize};

/// Who sees a record besides the server: its own agency always; the other agency only when
/// it is shared with the joint command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Seen by the joint command: every agency of the server.
    Shared,
    /// Seen by its own agency only; to any other agency it does not exist (answered 404,
    /// absent from every list, count and export).
    Restricted,
}

impl Visibility {
    /// The stored and wire name (`shared`, `restricted`).
    pub fn name(self) -> &'static str {
        match self {
            Visibility::Shared => "shared",
            Visibility::Restricted => "restricted",
        }
    }

    /// The visibility named `s`, if any.
    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "shared" => Some(Visibility::Shared),
            "restricted" => Some(Visibility::Restricted),
            _ => None,
        }
    }
}

/// Where something is on the venue: a point in the venue's frame (metres, the frame of its
/// geometry file) or a zone of the venue, by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Location {
    /// `[x, y]` in metres.
    Point([f64; 2]),
    /// A zone id of the venue.
    Zone(String),
}

/// Most characters of a zone id in a [`Location`].
pub const MAX_ZONE_CHARS: usize = 64;

impl Location {
    /// Checks the location: finite coordinates within ±1,000,000 m, or a zone id of 1 to
    /// [`MAX_ZONE_CHARS`] characters without control characters. (Whether the zone exists
    /// is the server's check: it knows the venue.)
    ///
    /// # Errors
    /// [`FieldError`] on `field`.
    pub fn check(&self, field: &str) -> Result<(), FieldError> {
        match self {
            Location::Point([x, y]) => {
                if !(x.is_finite() && y.is_finite() && x.abs() <= 1e6 && y.abs() <= 1e6) {
                    return Err(FieldError::new(
                        field,
                        "a point is [x, y] in metres, finite, within ±1000 km of the origin",
                    ));
                }
                Ok(())
            }
            Location::Zone(z) => check_text(field, z, 1, MAX_ZONE_CHARS, false),
        }
    }
}

/// A field that does not fit: which one and why (answered 422 naming the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as named in the API (`title`, `location.zone`, `casualties.immediate`).
    pub field: String,
    /// What is wrong and what fits.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks a text field: `min..=max` characters, no control characters (but line breaks and
/// tabs where `multiline`), no bidirectional overrides.
///
/// # Errors
/// [`FieldError`] on `field` saying what is wrong.
pub fn check_text(
    field: &str,
    s: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<(), FieldError> {
    let n = s.chars().count();
    if n < min {
        return Err(FieldError::new(
            field,
            if n == 0 {
                "empty: this field is required".to_string()
            } else {
                format!("{n} characters: at least {min}")
            },
        ));
    }
    if n > max {
        return Err(FieldError::new(
            field,
            format!("too long ({n} characters): at most {max}"),
        ));
    }
    let bad = s.chars().find(|&c| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    });
    if let Some(c) = bad {
        return Err(FieldError::new(
            field,
            format!(
                "contains the control character U+{:04X}: plain text only",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

/// Whether a state change `from → to` is allowed by an ordered lifecycle `order` whose last
/// element is final: forward to any later state, never from the final one, never to itself.
pub(crate) fn forward<T: PartialEq + Copy>(order: &[T], from: T, to: T) -> bool {
    let i = order.iter().position(|&s| s == from);
    let j = order.iter().position(|&s| s == to);
    matches!((i, j), (Some(i), Some(j)) if j > i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks() {
        assert!(check_text("t", "Gate 3 crush", 1, 20, false).is_ok());
        assert_eq!(check_text("t", "", 1, 20, false).unwrap_err().field, "t");
        assert!(check_text("t", &"x".repeat(21), 1, 20, false).is_err());
        assert!(check_text("t", "a\nb", 0, 20, false).is_err());
        assert!(check_text("t", "a\nb", 0, 20, true).is_ok());
        assert!(check_text("t", "a\u{202E}b", 0, 20, true).is_err());
        // Counted in characters, not bytes: Arabic text of 20 letters fits 20.
        assert!(check_text("t", &"ب".repeat(20), 1, 20, false).is_ok());
    }

    #[test]
    fn locations() {
        assert!(Location::Point([12.5, -3.0]).check("l").is_ok());
        assert!(Location::Point([f64::NAN, 0.0]).check("l").is_err());
        assert!(Location::Point([2e6, 0.0]).check("l").is_err());
        assert!(Location::Zone("gate-3".into()).check("l").is_ok());
        assert!(Location::Zone(String::new()).check("l").is_err());
        let l: Location = serde_json::from_str(r#"{"point": [1.0, 2.0]}"#).unwrap();
        assert_eq!(l, Location::Point([1.0, 2.0]));
        let l: Location = serde_json::from_str(r#"{"zone": "z1"}"#).unwrap();
        assert_eq!(l, Location::Zone("z1".into()));
    }
}
