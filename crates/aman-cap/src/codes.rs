//! The closed code lists of CAP 1.2, with their exact spellings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{CapError, value_err};

macro_rules! cap_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of the CAP 1.2 schema.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The exact CAP spelling, e.g. as written in the XML element.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CapError;
            /// Parses the exact (case-sensitive) CAP spelling.
            fn from_str(s: &str) -> Result<Self, CapError> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(value_err(
                        $what,
                        s,
                        concat!("expected one of:" $(, " ", $text)+),
                    )),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = CapError;
            fn try_from(s: String) -> Result<Self, CapError> {
                s.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }
    };
}

cap_enum! {
    /// The appropriate handling of the alert message (CAP 1.2 §3.2.1 `status`).
    Status, "status" {
        /// Actionable by all targeted recipients.
        Actual = "Actual",
        /// Actionable only by designated exercise participants; the exercise identifier
        /// SHOULD appear in `note`.
        Exercise = "Exercise",
        /// Messages that support alert network internal functions.
        System = "System",
        /// Technical testing only; all recipients disregard.
        Test = "Test",
        /// A preliminary template or draft, not actionable in its current form.
        Draft = "Draft",
    }
}

cap_enum! {
    /// The nature of the alert message (CAP 1.2 §3.2.1 `msgType`).
    MsgType, "msgType" {
        /// Initial information requiring attention by targeted recipients.
        Alert = "Alert",
        /// Updates and supersedes the earlier message(s) identified in `references`.
        Update = "Update",
        /// Cancels the earlier message(s) identified in `references`.
        Cancel = "Cancel",
        /// Acknowledges receipt and acceptance of the message(s) identified in `references`.
        Ack = "Ack",
        /// Indicates rejection of the message(s) identified in `references`; the
        /// explanation SHOULD appear in `note`.
        Error = "Error",
    }
}

cap_enum! {
    /// The intended distribution of the alert message (CAP 1.2 §3.2.1 `scope`).
    Scope, "scope" {
        /// For general dissemination to unrestricted audiences.
        Public = "Public",
        /// For dissemination only to users with a known operational requirement
        /// (see `restriction`).
        Restricted = "Restricted",
        /// For dissemination only to specified addresses (see `addresses`).
        Private = "Private",
    }
}

cap_enum! {
    /// The category of the subject event (CAP 1.2 §3.2.2 `category`).
    Category, "category" {
        /// Geophysical (inc. landslide).
        Geo = "Geo",
        /// Meteorological (inc. flood).
        Met = "Met",
        /// General emergency and public safety.
        Safety = "Safety",
        /// Law enforcement, military, homeland and local/private security.
        Security = "Security",
        /// Rescue and recovery.
        Rescue = "Rescue",
        /// Fire suppression and rescue.
        Fire = "Fire",
        /// Medical and public health.
        Health = "Health",
        /// Pollution and other environmental.
        Env = "Env",
        /// Public and private transportation.
        Transport = "Transport",
        /// Utility, telecommunication, other non-transport infrastructure.
        Infra = "Infra",
        /// Chemical, Biological, Radiological, Nuclear or High-Yield Explosive threat or attack.
        Cbrne = "CBRNE",
        /// Other events.
        Other = "Other",
    }
}

cap_enum! {
    /// The type of action recommended for the target audience (CAP 1.2 §3.2.2 `responseType`).
    ResponseType, "responseType" {
        /// Take shelter in place or per `instruction`.
        Shelter = "Shelter",
        /// Relocate as instructed in the `instruction`.
        Evacuate = "Evacuate",
        /// Make preparations per the `instruction`.
        Prepare = "Prepare",
        /// Execute a pre-planned activity identified in `instruction`.
        Execute = "Execute",
        /// Avoid the subject event as per the `instruction`.
        Avoid = "Avoid",
        /// Attend to information sources as described in `instruction`.
        Monitor = "Monitor",
        /// Evaluate the information in this message (not for public warnings).
        Assess = "Assess",
        /// The subject event no longer poses a threat or concern.
        AllClear = "AllClear",
        /// No action recommended.
        None = "None",
    }
}

cap_enum! {
    /// The urgency of the subject event (CAP 1.2 §3.2.2 `urgency`).
    Urgency, "urgency" {
        /// Responsive action SHOULD be taken immediately.
        Immediate = "Immediate",
        /// Responsive action SHOULD be taken soon (within the next hour).
        Expected = "Expected",
        /// Responsive action SHOULD be taken in the near future.
        Future = "Future",
        /// Responsive action is no longer required.
        Past = "Past",
        /// Urgency not known.
        Unknown = "Unknown",
    }
}

cap_enum! {
    /// The severity of the subject event (CAP 1.2 §3.2.2 `severity`).
    Severity, "severity" {
        /// Extraordinary threat to life or property.
        Extreme = "Extreme",
        /// Significant threat to life or property.
        Severe = "Severe",
        /// Possible threat to life or property.
        Moderate = "Moderate",
        /// Minimal to no known threat to life or property.
        Minor = "Minor",
        /// Severity unknown.
        Unknown = "Unknown",
    }
}

cap_enum! {
    /// The certainty of the subject event (CAP 1.2 §3.2.2 `certainty`).
    Certainty, "certainty" {
        /// Determined to have occurred or to be ongoing.
        Observed = "Observed",
        /// Likely (p > ~50 %).
        Likely = "Likely",
        /// Possible but not likely (p <= ~50 %).
        Possible = "Possible",
        /// Not expected to occur (p ~ 0).
        Unlikely = "Unlikely",
        /// Certainty unknown.
        Unknown = "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_are_case_sensitive() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>().unwrap(), *c);
        }
        assert_eq!(Category::Cbrne.as_str(), "CBRNE");
        assert_eq!(ResponseType::AllClear.to_string(), "AllClear");
        let e = "actual".parse::<Status>().unwrap_err().to_string();
        assert!(e.contains("Actual Exercise System Test Draft"), "{e}");
    }
}
