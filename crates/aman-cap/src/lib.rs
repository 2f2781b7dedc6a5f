//! OASIS Common Alerting Protocol (CAP) 1.2 messages (OASIS Standard, 1 July 2010).
//!
//! aman's early warnings leave the server as CAP 1.2 alerts: the `Alert` when a zone
//! crosses a threshold, an `Update` or `Cancel` that `references` the first message, with
//! `info` blocks in French, Arabic and English. This crate holds the message types, writes
//! them as XML valid against the OASIS schema ([`Alert::to_xml`]), reads them back
//! ([`Alert::from_xml`]) and checks the rules the schema cannot express ([`Alert::validate`]).
//! It has no I/O: strings in, strings out.
//!
//! Clause numbers in the documentation refer to the CAP 1.2 specification: §3.2.1 `alert`,
//! §3.2.2 `info`, §3.2.3 `resource`, §3.2.4 `area`, §3.3 implementation notes.
//!
//! ```
//! use aman_cap::{Alert, Area, CapTime, Category, Certainty, Info, MsgType, Polygon, Scope,
//!                Severity, Status, Urgency};
//!
//! let sent = CapTime::from_unix_micros(1_670_708_280_000_000)?; // 2022-12-10T21:38:00 UTC
//! let mut alert = Alert::new("zone-7-1", "aman@lyon.example", sent, Status::Exercise,
//!                            MsgType::Alert, Scope::Public);
//! let mut info = Info::new("fr", Category::Safety, "Densité de foule", Urgency::Immediate,
//!                          Severity::Severe, Certainty::Observed);
//! let mut area = Area::new("Rue de la République, Nord");
//! area.polygons.push(Polygon::from_ring(vec![(45.7601, 4.8357), (45.7610, 4.8357),
//!                                            (45.7610, 4.8365)])?);
//! info.areas.push(area);
//! alert.infos.push(info);
//! alert.validate()?;
//!
//! let xml = alert.to_xml();
//! assert!(xml.contains("<sent>2022-12-10T21:38:00-00:00</sent>"));
//! assert_eq!(Alert::from_xml(&xml)?, alert);
//!
//! // The update refers to the first message.
//! let mut update = Alert::new("zone-7-2", "aman@lyon.example",
//!                             CapTime::from_unix_seconds(1_670_708_400)?,
//!                             Status::Exercise, MsgType::Update, Scope::Public);
//! update.references.push(alert.reference());
//! update.validate()?;
//! assert!(update.to_xml().contains(
//!     "<references>aman@lyon.example,zone-7-1,2022-12-10T21:38:00-00:00</references>"));
//! # Ok::<(), aman_cap::CapError>(())
//! ```

mod codes;
mod error;
mod model;
mod read;
mod time;
mod validate;
mod write;

pub use codes::{Category, Certainty, MsgType, ResponseType, Scope, Severity, Status, Urgency};
pub use error::{CapError, Violation};
pub use model::{
    Alert, Area, CAP_1_2_NAMESPACE, Circle, Info, Polygon, Reference, Resource, ValuePair,
    format_references, parse_references,
};
pub use time::CapTime;

impl Alert {
    /// The message as a CAP 1.2 XML document (UTF-8, default namespace
    /// [`CAP_1_2_NAMESPACE`], two-space indentation), elements in the order of the schema's
    /// `xs:sequence` (CAP 1.2 §3.4). Text is escaped (`&`, `<`, `>`, `"`, `'`, and CR as
    /// `&#13;`); non-ASCII text such as Arabic is written as is.
    ///
    /// Writing does not check the CAP rules: call [`Alert::validate`] first, or use
    /// [`Alert::to_valid_xml`].
    pub fn to_xml(&self) -> String {
        write::to_xml(self)
    }

    /// [`Alert::validate`], then [`Alert::to_xml`].
    pub fn to_valid_xml(&self) -> Result<String, CapError> {
        self.validate()?;
        Ok(self.to_xml())
    }

    /// Reads a CAP 1.2 `alert` document.
    ///
    /// The structure is checked as the schema states it: namespace, required elements,
    /// element order, code values, dateTime format, polygon and circle syntax, numbers. Errors
    /// name the element by path (e.g. `alert/info[2]/urgency`) and the reason; garbage or
    /// truncated input gives [`CapError::Xml`]. Elements of the XML Signature namespace after
    /// the last `info` (CAP 1.2 §3.3.4.1) are skipped. An `info` without `language` reads as
    /// `en-US` (CAP 1.2 §3.2.2 language (2)). Times with another offset are converted to UTC.
    ///
    /// Reading does not apply [`Alert::validate`]'s rules: call it if needed.
    pub fn from_xml(xml: &str) -> Result<Alert, CapError> {
        read::from_xml(xml)
    }

    /// Checks the rules of CAP 1.2 that the schema cannot express, and what must hold for the
    /// XML to be well-formed. All violations are reported together in
    /// [`CapError::Invalid`]:
    ///
    /// - `identifier` and `sender`: not empty, no whitespace, commas, `<` or `&`
    ///   (CAP 1.2 §3.2.1 identifier (2), sender (3)); the same for the sender and identifier
    ///   of every reference (§3.2.1 references (1));
    /// - `restriction` present when `scope` is `Restricted` (§3.2.1 restriction (1));
    /// - `addresses` present and not blank when `scope` is `Private` (§3.2.1 addresses (1));
    /// - `references` not empty when `msgType` is `Update`, `Cancel`, `Ack` or `Error`:
    ///   those types act on "the earlier message(s) identified in `<references>`"
    ///   (§3.2.1 msgType); a reference must not point to the message itself ("an earlier
    ///   CAP message", §3.2.1 references (1));
    /// - each `info`: `language` an RFC 3066 tag (§3.2.2 language (1)); at least one
    ///   `category` (§3.2.2); `web` a full absolute URI (§3.2.2 web (1)); each resource `uri`
    ///   a full absolute URI (§3.2.3 uri (1));
    /// - each `area`: `ceiling` only together with `altitude` (§3.2.4 ceiling (1)), not below
    ///   it (§3.2.4 altitude (1): the lower limit of the range); both finite;
    /// - no text contains a character XML 1.0 cannot carry (XML 1.0 §2.2).
    ///
    /// Times, polygons (≥ 4 pairs, closed, §3.2.4) and circles are valid by construction.
    /// CAP does not require an `info` block, even in an `Alert`.
    pub fn validate(&self) -> Result<(), CapError> {
        let found = validate::violations(self);
        if found.is_empty() {
            Ok(())
        } else {
            Err(CapError::Invalid(found))
        }
    }
}
