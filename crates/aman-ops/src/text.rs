//! The words of an alert in the operations centre's three languages.

use aman_monitor::venue::Measure;

/// The languages of every CAP message, in the order of its `info` blocks (RFC 3066 tags).
pub(crate) const LANGUAGES: [&str; 3] = ["fr-FR", "ar", "en-GB"];

/// Index of a language tag in [`LANGUAGES`] (0 fr, 1 ar, 2 en).
pub(crate) fn short(lang: &str) -> &'static str {
    match lang {
        "fr-FR" => "fr",
        "ar" => "ar",
        _ => "en",
    }
}

/// The event (CAP `event`) of a rule's measure.
pub(crate) fn event(m: Measure, lang: usize) -> &'static str {
    let t = match m {
        Measure::Density => [
            "Densité de foule élevée",
            "كثافة حشد مرتفعة",
            "High crowd density",
        ],
        Measure::Los => [
            "Niveau de service dégradé",
            "تدهور مستوى الخدمة",
            "Poor level of service",
        ],
        Measure::Pressure => [
            "Pression de foule (turbulence)",
            "ضغط الحشد (اضطراب)",
            "Crowd pressure (turbulence)",
        ],
        Measure::Occupancy => [
            "Zone proche de sa capacité",
            "المنطقة قريبة من سعتها القصوى",
            "Zone near capacity",
        ],
        Measure::SpecificFlow => [
            "Débit spécifique élevé",
            "تدفق نوعي مرتفع",
            "High specific flow",
        ],
        Measure::Stale => ["Capteur muet", "مستشعر لا يرسل بيانات", "Sensor silent"],
    };
    t[lang]
}

/// The unit of a measure's value as written in a description.
pub(crate) fn unit(m: Measure) -> &'static str {
    match m {
        Measure::Density => "/m²",
        Measure::Pressure => "/s²",
        Measure::SpecificFlow => "/(m·s)",
        Measure::Occupancy => "× capacity",
        Measure::Los | Measure::Stale => "",
    }
}

/// What the responders should do (CAP `instruction`).
pub(crate) fn instruction(m: Measure, lang: usize) -> &'static str {
    let t = match m {
        Measure::Density | Measure::Los | Measure::Pressure | Measure::Occupancy => [
            "Réduire les entrées dans la zone, ouvrir les itinéraires de délestage, envoyer des \
             stadiers.",
            "تقليل الدخول إلى المنطقة، وفتح مسارات التخفيف، وإرسال المنظمين.",
            "Reduce inflow to the zone, open relief routes, send stewards.",
        ],
        Measure::SpecificFlow => [
            "Réguler le passage (filtrage, files), surveiller la zone en aval.",
            "تنظيم المرور (التصفية، الطوابير)، ومراقبة المنطقة التالية.",
            "Meter the passage (filtering, queues) and watch the zone downstream.",
        ],
        Measure::Stale => [
            "Vérifier le capteur et sa liaison ; surveiller la zone par d'autres moyens.",
            "تحقق من المستشعر واتصاله؛ راقب المنطقة بوسائل أخرى.",
            "Check the sensor and its link; watch the area by other means.",
        ],
    };
    t[lang]
}

/// Words for the message kinds and the fields of a description.
pub(crate) struct Words {
    pub value: &'static str,
    pub threshold: &'static str,
    pub since: &'static str,
    pub los: &'static str,
    pub resolved: &'static str,
    pub worsened: &'static str,
    pub sensor: &'static str,
}

pub(crate) const WORDS: [Words; 3] = [
    Words {
        value: "valeur",
        threshold: "seuil",
        since: "depuis",
        los: "niveau de service (Fruin)",
        resolved: "Fin d'alerte",
        worsened: "Aggravation",
        sensor: "capteur",
    },
    Words {
        value: "القيمة",
        threshold: "العتبة",
        since: "منذ",
        los: "مستوى الخدمة (فروين)",
        resolved: "انتهاء الإنذار",
        worsened: "تفاقم",
        sensor: "المستشعر",
    },
    Words {
        value: "value",
        threshold: "threshold",
        since: "since",
        los: "level of service (Fruin)",
        resolved: "All clear",
        worsened: "Worsening",
        sensor: "sensor",
    },
];
