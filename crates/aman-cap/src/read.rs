//! Reading CAP 1.2 XML into an [`Alert`].
//!
//! Two steps: quick-xml's namespace-aware reader builds a small element tree (well-formedness
//! errors become [`CapError::Xml`]), then the tree is walked in the schema's sequence order
//! (structure and value errors become [`CapError::Element`], naming the element's path).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::codes::{Category, Certainty, MsgType, ResponseType, Scope, Severity, Status, Urgency};
use crate::error::CapError;
use crate::model::{
    Alert, Area, CAP_1_2_NAMESPACE, Circle, Info, Polygon, Resource, ValuePair, parse_references,
};
use crate::time::CapTime;

/// XML Signature namespace: the schema allows its elements after the last `info`
/// (CAP 1.2 §3.3.4.1); they are skipped.
const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Deepest element nesting accepted. CAP itself nests 5 deep (`alert/info/area/geocode/value`);
/// the limit leaves room for an XML signature and keeps hostile input from building a tree
/// whose recursive drop would overflow the stack.
const MAX_DEPTH: usize = 32;

/// One element of the tree.
struct Node {
    /// Local name.
    name: String,
    /// Namespace URI, if bound.
    ns: Option<String>,
    /// Concatenated character data directly inside this element.
    text: String,
    children: Vec<Node>,
}

fn xml_err(reader: &NsReader<&[u8]>, reason: impl Into<String>) -> CapError {
    CapError::Xml {
        position: reader.buffer_position(),
        reason: reason.into(),
    }
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// The namespace of an element, owned: `Ok(None)` if unbound, `Err(prefix)` if the prefix
/// is undeclared.
fn owned_ns(resolved: ResolveResult<'_>) -> Result<Option<String>, String> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Some(AsRef::<str>::as_ref(&ns).to_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(prefix),
    }
}

fn new_node(
    ns: Result<Option<String>, String>,
    local: &str,
    reader: &NsReader<&[u8]>,
) -> Result<Node, CapError> {
    let name = local.to_owned();
    let ns = ns.map_err(|prefix| {
        xml_err(
            reader,
            format!("element <{name}> uses the undeclared namespace prefix {prefix:?}"),
        )
    })?;
    Ok(Node {
        name,
        ns,
        text: String::new(),
        children: Vec::new(),
    })
}

/// Parses the document into its root element.
fn parse_tree(xml: &str) -> Result<Node, CapError> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let (resolved, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (owned_ns(resolved), event),
            Err(e) => {
                let reason = e.to_string();
                return Err(xml_err(&reader, reason));
            }
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let name = AsRef::<str>::as_ref(&start.local_name()).to_owned();
                return Err(xml_err(
                    &reader,
                    format!("content after the root element: <{name}>"),
                ));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(
                        &reader,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let node = new_node(resolved, start.local_name().as_ref(), &reader)?;
                stack.push(node);
            }
            Event::Empty(start) => {
                let node = new_node(resolved, start.local_name().as_ref(), &reader)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| xml_err(&reader, "end tag without a start tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => {
                        return Err(xml_err(
                            &reader,
                            "text outside the root element (is this XML at all?)",
                        ));
                    }
                }
            }
            Event::CData(data) => match stack.last_mut() {
                Some(node) => node.text.push_str(&data.xml10_content()),
                None => return Err(xml_err(&reader, "CDATA outside the root element")),
            },
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = r.xml10_content();
                        predefined_entity(&name).ok_or_else(|| {
                            xml_err(&reader, format!("undeclared entity &{name};"))
                        })?
                    }
                    Err(e) => return Err(xml_err(&reader, e.to_string())),
                };
                match stack.last_mut() {
                    Some(node) => node.text.push(c),
                    None => return Err(xml_err(&reader, "reference outside the root element")),
                }
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => {
                return Err(xml_err(
                    &reader,
                    "a DOCTYPE is not allowed in a CAP message",
                ));
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(xml_err(
                        &reader,
                        format!("truncated: <{}> is not closed", open.name),
                    ));
                }
                return root.ok_or_else(|| xml_err(&reader, "no root element (empty document)"));
            }
        }
    }
}

fn element_err(path: &str, reason: impl Into<String>) -> CapError {
    CapError::Element {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// Walks the children of one element in the schema's sequence order.
struct Seq<'a> {
    path: String,
    children: &'a [Node],
    pos: usize,
}

impl<'a> Seq<'a> {
    /// Checks `node` is a container (only whitespace text) and that all its children are
    /// CAP 1.2 elements (XML Signature elements allowed where `dsig` is true).
    fn new(node: &'a Node, path: String, dsig: bool) -> Result<Self, CapError> {
        if !node.text.trim().is_empty() {
            return Err(element_err(
                &path,
                format!(
                    "holds elements, not text; found text {:?}",
                    node.text.trim()
                ),
            ));
        }
        for child in &node.children {
            let ns = child.ns.as_deref();
            if ns != Some(CAP_1_2_NAMESPACE) && !(dsig && ns == Some(XMLDSIG)) {
                return Err(element_err(
                    &format!("{path}/{}", child.name),
                    format!(
                        "element in namespace {}, expected {CAP_1_2_NAMESPACE}",
                        ns.map_or_else(|| "(none)".to_owned(), |n| format!("{n:?}"))
                    ),
                ));
            }
        }
        Ok(Self {
            path,
            children: &node.children,
            pos: 0,
        })
    }

    fn peek_is(&self, name: &str) -> bool {
        self.children
            .get(self.pos)
            .is_some_and(|c| c.name == name && c.ns.as_deref() == Some(CAP_1_2_NAMESPACE))
    }

    fn child_path(&self, name: &str, index: Option<usize>) -> String {
        match index {
            Some(i) => format!("{}/{name}[{}]", self.path, i + 1),
            None => format!("{}/{name}", self.path),
        }
    }

    /// The next element if it is `name` (optional, at most once).
    fn opt(&mut self, name: &str) -> Option<(&'a Node, String)> {
        if self.peek_is(name) {
            self.pos += 1;
            Some((&self.children[self.pos - 1], self.child_path(name, None)))
        } else {
            None
        }
    }

    /// The next element, which must be `name` (required, exactly once).
    fn one(&mut self, name: &str) -> Result<(&'a Node, String), CapError> {
        self.opt(name).ok_or_else(|| {
            let found = match self.children.get(self.pos) {
                Some(c) => format!("found <{}> in its place", c.name),
                None => "no more elements".to_owned(),
            };
            element_err(
                &self.child_path(name, None),
                format!("required element missing ({found})"),
            )
        })
    }

    /// All next elements named `name` (zero or more).
    fn many(&mut self, name: &str) -> Vec<(&'a Node, String)> {
        let mut out = Vec::new();
        while self.peek_is(name) {
            out.push((
                &self.children[self.pos],
                self.child_path(name, Some(out.len())),
            ));
            self.pos += 1;
        }
        out
    }

    /// Errors if an element is left over: unknown, repeated, or out of schema order.
    fn finish(self) -> Result<(), CapError> {
        for child in &self.children[self.pos..] {
            if child.ns.as_deref() == Some(XMLDSIG) {
                continue;
            }
            return Err(element_err(
                &format!("{}/{}", self.path, child.name),
                "unexpected element: unknown, repeated, or out of the schema's order",
            ));
        }
        Ok(())
    }
}

/// The text of a leaf element (no child elements allowed).
fn text(node: &Node, path: &str) -> Result<String, CapError> {
    if let Some(child) = node.children.first() {
        return Err(element_err(
            path,
            format!("holds text only; found element <{}>", child.name),
        ));
    }
    Ok(node.text.clone())
}

/// Parses the trimmed text of a leaf element with `parse`, naming the element on error.
fn value<T>(
    (node, path): (&Node, String),
    parse: impl FnOnce(&str) -> Result<T, CapError>,
) -> Result<T, CapError> {
    let t = text(node, &path)?;
    parse(t.trim()).map_err(|e| match e {
        CapError::Value { reason, text, .. } => element_err(&path, format!("{text:?}: {reason}")),
        other => element_err(&path, other.to_string()),
    })
}

fn string(item: (&Node, String)) -> Result<String, CapError> {
    text(item.0, &item.1)
}

fn opt_string(item: Option<(&Node, String)>) -> Result<Option<String>, CapError> {
    item.map(string).transpose()
}

fn opt_time(item: Option<(&Node, String)>) -> Result<Option<CapTime>, CapError> {
    item.map(|i| value(i, CapTime::parse)).transpose()
}

fn number(item: (&Node, String)) -> Result<f64, CapError> {
    value(item, |s| {
        // xs:decimal: optional sign, digits with at most one point; no exponent, no NaN.
        let body = s.strip_prefix(['+', '-']).unwrap_or(s);
        let digits = body.chars().filter(char::is_ascii_digit).count();
        let points = body.chars().filter(|&c| c == '.').count();
        if digits == 0 || points > 1 || digits + points != body.len() {
            return Err(crate::error::value_err(
                "decimal",
                s,
                "expected a decimal number such as 120 or -3.5",
            ));
        }
        s.parse::<f64>()
            .map_err(|_| crate::error::value_err("decimal", s, "expected a decimal number"))
    })
}

fn pairs(items: Vec<(&Node, String)>) -> Result<Vec<ValuePair>, CapError> {
    items
        .into_iter()
        .map(|(node, path)| {
            let mut seq = Seq::new(node, path, false)?;
            let value_name = string(seq.one("valueName")?)?;
            let value = string(seq.one("value")?)?;
            seq.finish()?;
            Ok(ValuePair { value_name, value })
        })
        .collect()
}

fn read_info(node: &Node, path: String) -> Result<Info, CapError> {
    let mut seq = Seq::new(node, path, false)?;
    // CAP 1.2 §3.2.2 language (2): absent means en-US.
    let language = opt_string(seq.opt("language"))?.unwrap_or_else(|| "en-US".to_owned());
    let mut categories = Vec::new();
    let cats = seq.many("category");
    if cats.is_empty() {
        seq.one("category")?;
    }
    for c in cats {
        categories.push(value(c, str::parse::<Category>)?);
    }
    let event = string(seq.one("event")?)?;
    let response_types = seq
        .many("responseType")
        .into_iter()
        .map(|r| value(r, str::parse::<ResponseType>))
        .collect::<Result<_, _>>()?;
    let urgency = value(seq.one("urgency")?, str::parse::<Urgency>)?;
    let severity = value(seq.one("severity")?, str::parse::<Severity>)?;
    let certainty = value(seq.one("certainty")?, str::parse::<Certainty>)?;
    let audience = opt_string(seq.opt("audience"))?;
    let event_codes = pairs(seq.many("eventCode"))?;
    let effective = opt_time(seq.opt("effective"))?;
    let onset = opt_time(seq.opt("onset"))?;
    let expires = opt_time(seq.opt("expires"))?;
    let sender_name = opt_string(seq.opt("senderName"))?;
    let headline = opt_string(seq.opt("headline"))?;
    let description = opt_string(seq.opt("description"))?;
    let instruction = opt_string(seq.opt("instruction"))?;
    let web = opt_string(seq.opt("web"))?;
    let contact = opt_string(seq.opt("contact"))?;
    let parameters = pairs(seq.many("parameter"))?;
    let resources = seq
        .many("resource")
        .into_iter()
        .map(|(n, p)| read_resource(n, p))
        .collect::<Result<_, _>>()?;
    let areas = seq
        .many("area")
        .into_iter()
        .map(|(n, p)| read_area(n, p))
        .collect::<Result<_, _>>()?;
    seq.finish()?;
    Ok(Info {
        language,
        categories,
        event,
        response_types,
        urgency,
        severity,
        certainty,
        audience,
        event_codes,
        effective,
        onset,
        expires,
        sender_name,
        headline,
        description,
        instruction,
        web,
        contact,
        parameters,
        resources,
        areas,
    })
}

fn read_resource(node: &Node, path: String) -> Result<Resource, CapError> {
    let mut seq = Seq::new(node, path, false)?;
    let resource_desc = string(seq.one("resourceDesc")?)?;
    let mime_type = string(seq.one("mimeType")?)?;
    let size = seq
        .opt("size")
        .map(|s| {
            value(s, |t| {
                t.strip_prefix('+')
                    .unwrap_or(t)
                    .parse::<u64>()
                    .map_err(|_| {
                        crate::error::value_err("size", t, "expected a whole number of bytes")
                    })
            })
        })
        .transpose()?;
    let uri = opt_string(seq.opt("uri"))?;
    let deref_uri = opt_string(seq.opt("derefUri"))?;
    let digest = opt_string(seq.opt("digest"))?;
    seq.finish()?;
    Ok(Resource {
        resource_desc,
        mime_type,
        size,
        uri,
        deref_uri,
        digest,
    })
}

fn read_area(node: &Node, path: String) -> Result<Area, CapError> {
    let mut seq = Seq::new(node, path, false)?;
    let area_desc = string(seq.one("areaDesc")?)?;
    let polygons = seq
        .many("polygon")
        .into_iter()
        .map(|p| value(p, Polygon::parse))
        .collect::<Result<_, _>>()?;
    let circles = seq
        .many("circle")
        .into_iter()
        .map(|c| value(c, Circle::parse))
        .collect::<Result<_, _>>()?;
    let geocodes = pairs(seq.many("geocode"))?;
    let altitude = seq.opt("altitude").map(number).transpose()?;
    let ceiling = seq.opt("ceiling").map(number).transpose()?;
    seq.finish()?;
    Ok(Area {
        area_desc,
        polygons,
        circles,
        geocodes,
        altitude,
        ceiling,
    })
}

pub(crate) fn from_xml(xml: &str) -> Result<Alert, CapError> {
    let root = parse_tree(xml)?;
    if root.name != "alert" {
        return Err(element_err(
            &root.name,
            "the root element must be <alert> of CAP 1.2",
        ));
    }
    if root.ns.as_deref() != Some(CAP_1_2_NAMESPACE) {
        return Err(element_err(
            "alert",
            format!(
                "namespace is {}, expected {CAP_1_2_NAMESPACE}",
                root.ns
                    .as_deref()
                    .map_or_else(|| "(none)".to_owned(), |n| format!("{n:?}"))
            ),
        ));
    }
    let mut seq = Seq::new(&root, "alert".to_owned(), true)?;
    let identifier = string(seq.one("identifier")?)?;
    let sender = string(seq.one("sender")?)?;
    let sent = value(seq.one("sent")?, CapTime::parse)?;
    let status = value(seq.one("status")?, str::parse::<Status>)?;
    let msg_type = value(seq.one("msgType")?, str::parse::<MsgType>)?;
    let source = opt_string(seq.opt("source"))?;
    let scope = value(seq.one("scope")?, str::parse::<Scope>)?;
    let restriction = opt_string(seq.opt("restriction"))?;
    let addresses = opt_string(seq.opt("addresses"))?;
    let codes = seq
        .many("code")
        .into_iter()
        .map(string)
        .collect::<Result<_, _>>()?;
    let note = opt_string(seq.opt("note"))?;
    let references = seq
        .opt("references")
        .map(|r| value(r, parse_references))
        .transpose()?
        .unwrap_or_default();
    let incidents = opt_string(seq.opt("incidents"))?;
    let infos = seq
        .many("info")
        .into_iter()
        .map(|(n, p)| read_info(n, p))
        .collect::<Result<_, _>>()?;
    seq.finish()?;
    Ok(Alert {
        identifier,
        sender,
        sent,
        status,
        msg_type,
        source,
        scope,
        restriction,
        addresses,
        codes,
        note,
        references,
        incidents,
        infos,
    })
}
