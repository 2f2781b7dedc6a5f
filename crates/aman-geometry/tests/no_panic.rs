//! The readers must return an error, never panic, whatever the input: random single-character
//! edits and truncations of real and hand-made files.

use aman_geometry::GeometryError;
use aman_geometry::import::{
    polygon_from_wkt, walkable_area_from_geojson, walkable_area_from_jps_xml,
    walkable_area_from_wkt,
};

/// xorshift64*: a small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ALPHABET: &[&str] = &[
    "(", ")", ",", " ", "\n", "-", ".", "0", "1", "5", "9", "e", "E", "NaN", "inf", "1e308", "<",
    ">", "/", "\"", "=", "[", "]", "{", "}", ":", "px", "vertex", "polygon", "POLYGON", "EMPTY",
    "&amp;", "é", "\u{0}",
];

/// `text` with one random edit: replace, insert or delete a piece.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let piece = ALPHABET[rng.below(ALPHABET.len())];
    let head: String = chars[..at].iter().collect();
    let tail_from = match rng.below(3) {
        0 => at, // insert
        _ => (at + 1 + rng.below(3)).min(chars.len()),
    };
    let tail: String = chars[tail_from..].iter().collect();
    let piece = if rng.below(4) == 0 { "" } else { piece };
    format!("{head}{piece}{tail}")
}

type Reader = fn(&str, &str) -> Result<(), GeometryError>;

fn exercise(name: &str, text: &str, read: Reader, rounds: usize, seed: u64) {
    let mut rng = Rng(seed);
    let chars: Vec<char> = text.chars().collect();
    let step = (chars.len() / 60).max(1);
    for cut in (0..chars.len()).step_by(step) {
        let prefix: String = chars[..cut].iter().collect();
        let _ = read(&prefix, name);
    }
    let mut current = text.to_string();
    for round in 0..rounds {
        // Mostly single edits of the original; now and then keep editing the edited text.
        if round % 5 == 0 {
            current = text.to_string();
        }
        current = mutate(&current, &mut rng);
        let _ = read(&current, name);
    }
}

const XML_TWO_SUBROOMS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<geometry version="0.8" unit="m">
  <rooms>
    <room id="0" caption="hall">
      <subroom id="0" class="subroom">
        <polygon caption="wall"><vertex px="4" py="0"/><vertex px="0" py="0"/><vertex px="0" py="2"/><vertex px="4" py="2"/></polygon>
        <obstacle id="0"><polygon><vertex px="1" py="0"/><vertex px="2" py="0"/><vertex px="2" py="1"/><vertex px="1" py="1"/><vertex px="1" py="0"/></polygon></obstacle>
      </subroom>
      <subroom id="1" class="subroom">
        <polygon caption="wall"><vertex px="4" py="0"/><vertex px="8" py="0"/></polygon>
        <polygon caption="wall"><vertex px="8" py="2"/><vertex px="4" py="2"/></polygon>
      </subroom>
      <crossings><crossing id="0" subroom1_id="0" subroom2_id="1"><vertex px="4" py="0"/><vertex px="4" py="2"/></crossing></crossings>
    </room>
  </rooms>
  <transitions>
    <transition id="1" room1_id="0" subroom1_id="1" room2_id="-1" subroom2_id="-1"><vertex px="8" py="0"/><vertex px="8" py="2"/></transition>
  </transitions>
</geometry>
"#;

const GEOJSON: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[4,0],[4,3],[0,3],[0,0]], [[1,1],[2,1],[2,2],[1,1]]]}},
  {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[4,0],[8,0],[8,3],[4,3],[4,0]]]]}},
  {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
]}"#;

const WKT: &str = "GEOMETRYCOLLECTION (POLYGON ((0 0, 10 0, 10 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1)), \
                   POLYGON ((10 0, 14 0, 14 4, 10 4, 10 0)))";

#[test]
fn xml_reader_never_panics() {
    let xml: Reader = |t, n| walkable_area_from_jps_xml(t, n).map(|_| ());
    // Sanity: the unedited inputs are read.
    assert!(
        (walkable_area_from_jps_xml(XML_TWO_SUBROOMS, "two.xml")
            .unwrap()
            .area()
            - 15.0)
            .abs()
            < 1e-9
    );
    exercise("two.xml", XML_TWO_SUBROOMS, xml, 5000, 1);
    let ao300 = std::fs::read_to_string(
        "../../../shared/data/hermes2009-AO300-wide-bottleneck/geo_AO_300.xml",
    );
    if let Ok(text) = ao300 {
        exercise("geo_AO_300.xml", &text, xml, 2000, 2);
    }
}

#[test]
fn wkt_readers_never_panic() {
    assert!((walkable_area_from_wkt(WKT, "w.wkt").unwrap().area() - 55.0).abs() < 1e-9);
    exercise(
        "w.wkt",
        WKT,
        |t, n| walkable_area_from_wkt(t, n).map(|_| ()),
        5000,
        3,
    );
    exercise(
        "w.wkt",
        WKT,
        |t, n| polygon_from_wkt(t, n).map(|_| ()),
        500,
        4,
    );
}

#[test]
fn geojson_reader_never_panics() {
    assert!(
        (walkable_area_from_geojson(GEOJSON, "g.json")
            .unwrap()
            .area()
            - 23.5)
            .abs()
            < 1e-9
    );
    exercise(
        "g.json",
        GEOJSON,
        |t, n| walkable_area_from_geojson(t, n).map(|_| ()),
        5000,
        5,
    );
}
