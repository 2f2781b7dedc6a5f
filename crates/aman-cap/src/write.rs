//! Writing an [`Alert`] as CAP 1.2 XML, elements in the schema's sequence order.

use crate::model::{Alert, Area, CAP_1_2_NAMESPACE, Info, Resource, ValuePair, format_references};

/// Escapes text for element content: the five predefined entities, and CR as a character
/// reference so that it survives XML end-of-line normalisation (XML 1.0 §2.11).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }

    fn pairs(&mut self, name: &str, pairs: &[ValuePair]) {
        for p in pairs {
            self.open(name);
            self.leaf("valueName", &p.value_name);
            self.leaf("value", &p.value);
            self.close(name);
        }
    }

    fn info(&mut self, info: &Info) {
        self.open("info");
        self.leaf("language", &info.language);
        for c in &info.categories {
            self.leaf("category", c.as_str());
        }
        self.leaf("event", &info.event);
        for r in &info.response_types {
            self.leaf("responseType", r.as_str());
        }
        self.leaf("urgency", info.urgency.as_str());
        self.leaf("severity", info.severity.as_str());
        self.leaf("certainty", info.certainty.as_str());
        self.opt("audience", info.audience.as_deref());
        self.pairs("eventCode", &info.event_codes);
        for (name, t) in [
            ("effective", info.effective),
            ("onset", info.onset),
            ("expires", info.expires),
        ] {
            if let Some(t) = t {
                self.leaf(name, &t.to_string());
            }
        }
        self.opt("senderName", info.sender_name.as_deref());
        self.opt("headline", info.headline.as_deref());
        self.opt("description", info.description.as_deref());
        self.opt("instruction", info.instruction.as_deref());
        self.opt("web", info.web.as_deref());
        self.opt("contact", info.contact.as_deref());
        self.pairs("parameter", &info.parameters);
        for r in &info.resources {
            self.resource(r);
        }
        for a in &info.areas {
            self.area(a);
        }
        self.close("info");
    }

    fn resource(&mut self, r: &Resource) {
        self.open("resource");
        self.leaf("resourceDesc", &r.resource_desc);
        self.leaf("mimeType", &r.mime_type);
        if let Some(size) = r.size {
            self.leaf("size", &size.to_string());
        }
        self.opt("uri", r.uri.as_deref());
        self.opt("derefUri", r.deref_uri.as_deref());
        self.opt("digest", r.digest.as_deref());
        self.close("resource");
    }

    fn area(&mut self, a: &Area) {
        self.open("area");
        self.leaf("areaDesc", &a.area_desc);
        for p in &a.polygons {
            self.leaf("polygon", &p.to_string());
        }
        for c in &a.circles {
            self.leaf("circle", &c.to_string());
        }
        self.pairs("geocode", &a.geocodes);
        if let Some(alt) = a.altitude {
            self.leaf("altitude", &alt.to_string());
        }
        if let Some(ceil) = a.ceiling {
            self.leaf("ceiling", &ceil.to_string());
        }
        self.close("area");
    }
}

pub(crate) fn to_xml(alert: &Alert) -> String {
    let mut w = Writer {
        out: String::with_capacity(2048),
        depth: 0,
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.out.push_str("<alert xmlns=\"");
    w.out.push_str(CAP_1_2_NAMESPACE);
    w.out.push_str("\">\n");
    w.depth = 1;
    w.leaf("identifier", &alert.identifier);
    w.leaf("sender", &alert.sender);
    w.leaf("sent", &alert.sent.to_string());
    w.leaf("status", alert.status.as_str());
    w.leaf("msgType", alert.msg_type.as_str());
    w.opt("source", alert.source.as_deref());
    w.leaf("scope", alert.scope.as_str());
    w.opt("restriction", alert.restriction.as_deref());
    w.opt("addresses", alert.addresses.as_deref());
    for c in &alert.codes {
        w.leaf("code", c);
    }
    w.opt("note", alert.note.as_deref());
    if !alert.references.is_empty() {
        w.leaf("references", &format_references(&alert.references));
    }
    w.opt("incidents", alert.incidents.as_deref());
    for info in &alert.infos {
        w.info(info);
    }
    w.out.push_str("</alert>\n");
    w.out
}
