//! Messages of every kind aman sends, shared by the integration tests.

#![allow(dead_code)]

use aman_cap::{
    Alert, Area, CapTime, Category, Certainty, Circle, Info, MsgType, Polygon, Reference, Resource,
    ResponseType, Scope, Severity, Status, Urgency, ValuePair,
};

pub const SENDER: &str = "aman@ops.lyon.example";

/// 2022-12-10T21:38:00 UTC (Fête des Lumières, Lyon), plus `minutes`.
pub fn at(minutes: i64) -> CapTime {
    CapTime::from_unix_seconds(1_670_708_280 + minutes * 60).unwrap()
}

pub fn zone_polygon() -> Polygon {
    Polygon::from_ring(vec![
        (45.7601, 4.8357),
        (45.7612, 4.8357),
        (45.7612, 4.8366),
        (45.7601, 4.8366),
    ])
    .unwrap()
}

/// Which geometry the areas carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Geometry {
    None,
    Polygon,
    Circle,
    Both,
}

pub const GEOMETRIES: [Geometry; 4] = [
    Geometry::None,
    Geometry::Polygon,
    Geometry::Circle,
    Geometry::Both,
];

fn area(text: &str, geometry: Geometry) -> Area {
    let mut a = Area::new(text);
    if matches!(geometry, Geometry::Polygon | Geometry::Both) {
        a.polygons.push(zone_polygon());
    }
    if matches!(geometry, Geometry::Circle | Geometry::Both) {
        a.circles
            .push(Circle::new((45.76065, 4.83615), 0.08).unwrap());
    }
    if geometry == Geometry::Both {
        a.geocodes
            .push(ValuePair::new("aman:zone", "rue-republique-nord"));
        a.altitude = Some(558.0);
        a.ceiling = Some(620.5);
    }
    a
}

fn info(lang: &str, msg_type: MsgType, geometry: Geometry) -> Info {
    let (event, headline, description, instruction, zone) = match lang {
        "fr" => (
            "Densité de foule",
            "Densité critique : 4,6 pers./m² rue de la République",
            "La densité dépasse 4 pers./m² depuis 30 s (niveau F de Fruin).",
            "Fermer l'accès nord « Cordeliers » & ouvrir la déviation.",
            "Rue de la République, tronçon nord",
        ),
        "ar" => (
            "كثافة الحشد",
            "كثافة حرجة: ٤٫٦ شخص/م² في شارع الجمهورية",
            "تجاوزت الكثافة ٤ أشخاص لكل متر مربع منذ ٣٠ ثانية.",
            "أغلقوا المدخل الشمالي وافتحوا التحويلة.",
            "شارع الجمهورية، القسم الشمالي",
        ),
        _ => (
            "Crowd density",
            "Critical density: 4.6 persons/m² on Rue de la République",
            "Density above 4 persons/m² for 30 s (Fruin level F) <zone 7>.",
            "Close the north \"Cordeliers\" access & open the diversion.",
            "Rue de la République, north section",
        ),
    };
    let (urgency, response) = match msg_type {
        MsgType::Cancel => (Urgency::Past, ResponseType::AllClear),
        _ => (Urgency::Immediate, ResponseType::Avoid),
    };
    let mut i = Info::new(
        lang,
        Category::Safety,
        event,
        urgency,
        Severity::Severe,
        Certainty::Observed,
    );
    i.categories.push(Category::Transport);
    i.response_types = vec![response, ResponseType::Monitor];
    i.audience = Some("opérateurs / operators".into());
    i.event_codes.push(ValuePair::new("aman:rule", "density-4"));
    i.effective = Some(at(0));
    i.onset = Some(at(-1));
    i.expires = Some(at(60));
    i.sender_name = Some("aman — PC sécurité Lyon".into());
    i.headline = Some(headline.into());
    i.description = Some(description.into());
    i.instruction = Some(instruction.into());
    i.web = Some("https://ops.lyon.example/alerts/zone-7?lang=fr&v=1".into());
    i.contact = Some("PC sécurité +33 4 00 00 00 00".into());
    i.parameters = vec![
        ValuePair::new("density_per_m2", "4.6"),
        ValuePair::new("fruin_los", "F"),
        ValuePair::new("zone", "rue-republique-nord"),
    ];
    i.areas.push(area(zone, geometry));
    i
}

/// One message of the given kind: info blocks in fr, ar and en; Update and Cancel
/// reference the first Alert.
pub fn message(msg_type: MsgType, status: Status, geometry: Geometry) -> Alert {
    let first = Alert::new(
        "zone-7-density-1",
        SENDER,
        at(0),
        status,
        MsgType::Alert,
        Scope::Public,
    );
    let (identifier, sent) = match msg_type {
        MsgType::Alert => ("zone-7-density-1".to_owned(), at(0)),
        other => (
            format!("zone-7-density-1-{}", other.as_str().to_lowercase()),
            at(5),
        ),
    };
    let mut a = Alert::new(identifier, SENDER, sent, status, msg_type, Scope::Public);
    a.source = Some("aman serve / règle densité".into());
    a.codes.push("aman-profile-1".into());
    if status == Status::Exercise {
        a.note = Some("Exercice « Lumières 2026 »".into());
    }
    if msg_type != MsgType::Alert {
        a.references.push(first.reference());
    }
    a.incidents = Some("lyon-2026-zone-7".into());
    for lang in ["fr", "ar", "en"] {
        a.infos.push(info(lang, msg_type, geometry));
    }
    if geometry == Geometry::Both {
        a.infos[2].resources.push(Resource {
            resource_desc: "density map".into(),
            mime_type: "image/png".into(),
            size: Some(20_480),
            uri: Some("https://ops.lyon.example/maps/zone-7.png".into()),
            deref_uri: None,
            digest: Some("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12".into()),
        });
    }
    a
}

/// A `Reference` for tests.
pub fn reference(identifier: &str) -> Reference {
    Reference {
        sender: SENDER.into(),
        identifier: identifier.into(),
        sent: at(0),
    }
}
