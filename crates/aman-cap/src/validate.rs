//! The rules of CAP 1.2 that the schema cannot express, checked by [`Alert::validate`].

use crate::codes::{MsgType, Scope};
use crate::error::Violation;
use crate::model::{Alert, Area, Info};

struct Check {
    found: Vec<Violation>,
}

impl Check {
    fn fail(&mut self, path: impl Into<String>, clause: &'static str, reason: impl Into<String>) {
        self.found.push(Violation {
            path: path.into(),
            clause,
            reason: reason.into(),
        });
    }

    /// Characters XML 1.0 cannot carry at all (XML 1.0 §2.2 `Char`): C0 controls other than
    /// tab, LF, CR, and U+FFFE/U+FFFF. Such text cannot be written in a well-formed message.
    fn xml_chars(&mut self, path: &str, text: &str) {
        if let Some(c) = text.chars().find(|&c| {
            matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
        }) {
            self.fail(
                path,
                "XML 1.0 §2.2",
                format!("contains U+{:04X}, which XML cannot carry", c as u32),
            );
        }
    }

    fn opt_chars(&mut self, path: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.xml_chars(path, t);
        }
    }

    /// `identifier` and `sender` (and their copies in `references`): not empty, and no
    /// whitespace, commas, `<` or `&`.
    fn token(&mut self, path: &str, clause: &'static str, text: &str) {
        if text.is_empty() {
            self.fail(path, clause, "must not be empty");
        } else if let Some(c) = text
            .chars()
            .find(|&c| c.is_whitespace() || matches!(c, ',' | '<' | '&'))
        {
            self.fail(
                path,
                clause,
                format!("{text:?} contains {c:?}; spaces, commas, '<' and '&' are not allowed"),
            );
        }
        self.xml_chars(path, text);
    }

    /// A "full absolute URI": a scheme (RFC 3986 §3.1) followed by ':'.
    fn absolute_uri(&mut self, path: &str, clause: &'static str, uri: &str) {
        let scheme_ok = uri.split_once(':').is_some_and(|(scheme, _)| {
            let mut cs = scheme.chars();
            cs.next().is_some_and(|c| c.is_ascii_alphabetic())
                && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        if !scheme_ok || uri.chars().any(char::is_whitespace) {
            self.fail(
                path,
                clause,
                format!("{uri:?} is not a full absolute URI (scheme:…, no spaces)"),
            );
        }
        self.xml_chars(path, uri);
    }

    fn info(&mut self, path: &str, info: &Info) {
        if !is_language_tag(&info.language) {
            self.fail(
                format!("{path}/language"),
                "CAP 1.2 §3.2.2 language (1)",
                format!("{:?} is not an RFC 3066 language tag", info.language),
            );
        }
        if info.categories.is_empty() {
            self.fail(
                format!("{path}/category"),
                "CAP 1.2 §3.2.2 category",
                "at least one category is required",
            );
        }
        self.xml_chars(&format!("{path}/event"), &info.event);
        self.opt_chars(&format!("{path}/audience"), info.audience.as_deref());
        for (name, t) in [
            ("senderName", &info.sender_name),
            ("headline", &info.headline),
            ("description", &info.description),
            ("instruction", &info.instruction),
            ("contact", &info.contact),
        ] {
            self.opt_chars(&format!("{path}/{name}"), t.as_deref());
        }
        if let Some(web) = &info.web {
            self.absolute_uri(&format!("{path}/web"), "CAP 1.2 §3.2.2 web (1)", web);
        }
        for (name, list) in [
            ("eventCode", &info.event_codes),
            ("parameter", &info.parameters),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_path = format!("{path}/{name}[{}]", i + 1);
                self.xml_chars(&format!("{p_path}/valueName"), &p.value_name);
                self.xml_chars(&format!("{p_path}/value"), &p.value);
            }
        }
        for (i, r) in info.resources.iter().enumerate() {
            let r_path = format!("{path}/resource[{}]", i + 1);
            self.xml_chars(&format!("{r_path}/resourceDesc"), &r.resource_desc);
            self.xml_chars(&format!("{r_path}/mimeType"), &r.mime_type);
            if let Some(uri) = &r.uri {
                self.absolute_uri(&format!("{r_path}/uri"), "CAP 1.2 §3.2.3 uri (1)", uri);
            }
            self.opt_chars(&format!("{r_path}/derefUri"), r.deref_uri.as_deref());
            self.opt_chars(&format!("{r_path}/digest"), r.digest.as_deref());
        }
        for (i, a) in info.areas.iter().enumerate() {
            self.area(&format!("{path}/area[{}]", i + 1), a);
        }
    }

    fn area(&mut self, path: &str, area: &Area) {
        self.xml_chars(&format!("{path}/areaDesc"), &area.area_desc);
        for (i, g) in area.geocodes.iter().enumerate() {
            let g_path = format!("{path}/geocode[{}]", i + 1);
            self.xml_chars(&format!("{g_path}/valueName"), &g.value_name);
            self.xml_chars(&format!("{g_path}/value"), &g.value);
        }
        for (name, v) in [("altitude", area.altitude), ("ceiling", area.ceiling)] {
            if v.is_some_and(|x| !x.is_finite()) {
                self.fail(
                    format!("{path}/{name}"),
                    "CAP 1.2 §3.2.4 altitude, ceiling",
                    "must be a finite number of feet",
                );
            }
        }
        if area.ceiling.is_some() && area.altitude.is_none() {
            self.fail(
                format!("{path}/ceiling"),
                "CAP 1.2 §3.2.4 ceiling (1)",
                "MUST NOT be used except in combination with altitude",
            );
        }
        if let (Some(lo), Some(hi)) = (area.altitude, area.ceiling)
            && lo > hi
        {
            self.fail(
                format!("{path}/ceiling"),
                "CAP 1.2 §3.2.4 altitude (1)",
                format!("ceiling {hi} is below altitude {lo}, the lower limit of the range"),
            );
        }
    }
}

/// RFC 3066 language tag, as the schema's `xs:language`: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// All rule violations of `alert` (empty when it is valid).
pub(crate) fn violations(alert: &Alert) -> Vec<Violation> {
    let mut c = Check { found: Vec::new() };
    c.token(
        "alert/identifier",
        "CAP 1.2 §3.2.1 identifier (2)",
        &alert.identifier,
    );
    c.token("alert/sender", "CAP 1.2 §3.2.1 sender (3)", &alert.sender);
    c.opt_chars("alert/source", alert.source.as_deref());
    match (alert.scope, &alert.restriction) {
        (Scope::Restricted, None) => c.fail(
            "alert/restriction",
            "CAP 1.2 §3.2.1 restriction (1)",
            "required when scope is Restricted",
        ),
        (_, Some(r)) => c.xml_chars("alert/restriction", r),
        _ => {}
    }
    match (alert.scope, &alert.addresses) {
        (Scope::Private, None) => c.fail(
            "alert/addresses",
            "CAP 1.2 §3.2.1 addresses (1)",
            "required when scope is Private",
        ),
        (_, Some(a)) if a.trim().is_empty() => c.fail(
            "alert/addresses",
            "CAP 1.2 §3.2.1 addresses (2)",
            "must identify at least one recipient",
        ),
        (_, Some(a)) => c.xml_chars("alert/addresses", a),
        _ => {}
    }
    for (i, code) in alert.codes.iter().enumerate() {
        c.xml_chars(&format!("alert/code[{}]", i + 1), code);
    }
    c.opt_chars("alert/note", alert.note.as_deref());
    if alert.msg_type != MsgType::Alert && alert.references.is_empty() {
        c.fail(
            "alert/references",
            "CAP 1.2 §3.2.1 msgType",
            format!(
                "a message of type {} acts on \"the earlier message(s) identified in \
                 <references>\": at least one reference is required",
                alert.msg_type
            ),
        );
    }
    for (i, r) in alert.references.iter().enumerate() {
        let path = "alert/references";
        c.token(path, "CAP 1.2 §3.2.1 references (1), sender (3)", &r.sender);
        c.token(
            path,
            "CAP 1.2 §3.2.1 references (1), identifier (2)",
            &r.identifier,
        );
        if r.sender == alert.sender && r.identifier == alert.identifier {
            c.fail(
                path,
                "CAP 1.2 §3.2.1 references (1)",
                format!("reference {} refers to this message itself", i + 1),
            );
        }
    }
    c.opt_chars("alert/incidents", alert.incidents.as_deref());
    for (i, info) in alert.infos.iter().enumerate() {
        c.info(&format!("alert/info[{}]", i + 1), info);
    }
    c.found
}
