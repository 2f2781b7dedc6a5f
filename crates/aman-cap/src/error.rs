//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong when building, reading or checking a CAP message.
///
/// Every variant names what failed: an XML position, an element path such as
/// `alert/info[2]/area[1]/polygon[1]` (1-based, as in XPath), or the kind of value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CapError {
    /// The text is not well-formed XML (garbage, truncated, mismatched tags).
    #[error("not well-formed XML at byte {position}: {reason}")]
    Xml {
        /// Byte offset in the input where the reader stopped.
        position: u64,
        /// What the reader found wrong.
        reason: String,
    },
    /// Well-formed XML that is not a CAP 1.2 alert: wrong namespace, a required element
    /// missing, an unknown or misplaced element, or an element whose text is not a valid value.
    #[error("<{path}>: {reason}")]
    Element {
        /// Path of the element, e.g. `alert/info[1]/urgency` (indices are 1-based).
        path: String,
        /// Why the element was rejected.
        reason: String,
    },
    /// A value given to a constructor or parser (a time, a polygon, a reference, …) is not valid.
    #[error("invalid {what} {text:?}: {reason}")]
    Value {
        /// The kind of value, e.g. `"CAP dateTime"` or `"polygon"`.
        what: &'static str,
        /// The offending text (or a rendering of the offending value).
        text: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The message breaks one or more rules of the CAP 1.2 specification
    /// (see [`crate::Alert::validate`]); all broken rules are listed, not just the first.
    #[error("the CAP message breaks {} rule(s): {}", .0.len(), list(.0))]
    Invalid(Vec<Violation>),
}

fn list(v: &[Violation]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One broken rule found by [`crate::Alert::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the element at fault, e.g. `alert/references` or `alert/info[2]/area[1]/ceiling`.
    pub path: String,
    /// The clause that states the rule, e.g. `"CAP 1.2 §3.2.1 identifier (2)"`.
    pub clause: &'static str,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>: {} ({})", self.path, self.reason, self.clause)
    }
}

pub(crate) fn value_err(
    what: &'static str,
    text: impl Into<String>,
    reason: impl Into<String>,
) -> CapError {
    CapError::Value {
        what,
        text: text.into(),
        reason: reason.into(),
    }
}
