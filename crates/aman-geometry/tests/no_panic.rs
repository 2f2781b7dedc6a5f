//! The readers must return an error, never panic, whatever the input: random single-character
//! edits and truncations of real and hand-made files. And they must never silently read a
//! different geometry: an edited or truncated input that still reads must give the original area,
//! unless the edit only changed a number.

use aman_geometry::GeometryError;
use aman_geometry::import::{
    polygon_from_wkt, walkable_area_from_geojson, walkable_area_from_jps_xml,
    walkable_area_from_wkt,
};
use geo::Area;

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

/// A character that can be part of a number literal.
fn in_number(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')
}

/// Where `next` differs from `prev`, widened to the number characters around the change: the
/// char ranges `lo..prev_hi` of `prev` and `lo..next_hi` of `next` (the rest is common).
fn changed_span(prev: &[char], next: &[char]) -> (usize, usize, usize) {
    let prefix = prev.iter().zip(next).take_while(|(a, b)| a == b).count();
    let max_suffix = prev.len().min(next.len()) - prefix;
    let suffix = prev
        .iter()
        .rev()
        .zip(next.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let mut lo = prefix;
    while lo > 0 && in_number(prev[lo - 1]) {
        lo -= 1;
    }
    let (mut prev_hi, mut next_hi) = (prev.len() - suffix, next.len() - suffix);
    while prev_hi < prev.len() && in_number(prev[prev_hi]) {
        prev_hi += 1;
        next_hi += 1;
    }
    (lo, prev_hi, next_hi)
}

/// The tokens of `text`, white space dropped: runs of letters, digits and `._+-` (flagged
/// when they look like a number: only digits, sign, point and exponent, with a digit), and
/// every other character on its own.
fn tokens(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<(String, bool)>| {
        if !run.is_empty() {
            let number = run.chars().all(in_number) && run.chars().any(|c| c.is_ascii_digit());
            out.push((std::mem::take(run), number));
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_') {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if !c.is_whitespace() {
            out.push((c.to_string(), false));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Whether the edit from `prev` to `next` only changed numbers: the texts have the same tokens
/// but for some numbers (white space around them may differ). An edit of white space alone, or
/// one that splits, joins, adds or removes a token, is not a number change.
fn only_a_number_changed(prev: &str, next: &str) -> bool {
    let (a, b) = (tokens(prev), tokens(next));
    a.len() == b.len() && a != b && a.iter().zip(&b).all(|(x, y)| x == y || (x.1 && y.1))
}

/// The edit from `prev` to `next`, with some context, for messages.
fn describe_edit(prev: &str, next: &str) -> String {
    let (prev, next): (Vec<char>, Vec<char>) = (prev.chars().collect(), next.chars().collect());
    let (lo, prev_hi, next_hi) = changed_span(&prev, &next);
    let from = lo.saturating_sub(30);
    let show =
        |t: &[char], hi: usize| -> String { t[from..(hi + 30).min(t.len())].iter().collect() };
    format!(
        "{:?}\n  became\n{:?}",
        show(&prev, prev_hi),
        show(&next, next_hi)
    )
}

/// Reads a text and returns the area it describes.
type Reader = fn(&str, &str) -> Result<f64, GeometryError>;

fn same_area(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// Reads every truncation of `text` (at 60 places) and `rounds` random edits of it; no read may
/// panic, and none may silently give another area than the original, unless the edits changed
/// a number. Most edits are single edits of the original; now and then up to five edits are
/// chained, each compared with the text before it. Returns how many edited texts read
/// successfully with their area checked.
fn exercise(name: &str, text: &str, read: Reader, rounds: usize, seed: u64) -> usize {
    let original = read(text, name).unwrap_or_else(|e| panic!("the unedited {name}: {e}"));
    let mut rng = Rng(seed);
    let chars: Vec<char> = text.chars().collect();
    let step = (chars.len() / 60).max(1);
    for cut in (0..chars.len()).step_by(step) {
        let prefix: String = chars[..cut].iter().collect();
        if let Ok(area) = read(&prefix, name) {
            assert!(
                same_area(area, original),
                "{name} cut after {cut} characters reads as {area} instead of {original} \
                 (the truncated text must be an error):\n{prefix}"
            );
        }
    }
    let mut checked = 0;
    let mut current = text.to_string();
    // The area `current` must read as if it reads at all; unknown once an edit changed a number
    // in a text that did not read.
    let mut expected = Some(original);
    for round in 0..rounds {
        if round % 5 == 0 {
            current = text.to_string();
            expected = Some(original);
        }
        let next = mutate(&current, &mut rng);
        let numeric = only_a_number_changed(&current, &next);
        match (read(&next, name), numeric) {
            (Ok(area), false) => {
                if let Some(before) = expected {
                    assert!(
                        same_area(area, before),
                        "{name}, round {round}: an edit that changed no number changed the area \
                         from {before} to {area}; it must be an error instead. The edit:\n{}",
                        describe_edit(&current, &next)
                    );
                    checked += 1;
                }
                expected = Some(area);
            }
            (Ok(area), true) => expected = Some(area),
            (Err(_), true) => expected = None,
            (Err(_), false) => {}
        }
        current = next;
    }
    checked
}

#[test]
fn number_only_edits_are_told_apart() {
    let yes = [
        ("px=\"4.00\"", "px=\"-4.00\""),
        ("px=\"4.00\"", "px=\"41.00\""),
        ("0 0, 10 0", "0 0, 1 0"),
        ("0 0, 10 4", "0 0,50 4"),
        ("[4,0]", "[4,1e308]"),
        ("id=\"0\"", "id=\"05\""),
    ];
    for (a, b) in yes {
        assert!(only_a_number_changed(a, b), "{a} -> {b}");
    }
    let no = [
        ("px=\"4.00\"", "px=\"4.00\" "),
        ("0 0, 10 0", "0 0, 1 0 0"),
        ("<vertex px", "<vert5ex px"),
        ("<vertex px", "<vrtex px"),
        ("UTF-8", "UTF-9"),
        ("[4,0]", "[4,NaN]"),
        ("px=\"4\"", "px=\"\""),
        ("0 0, 10 0", "0 0 10 0"),
    ];
    for (a, b) in no {
        assert!(!only_a_number_changed(a, b), "{a} -> {b}");
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

/// A measurement area, as `polygon_from_wkt` reads it.
const ONE_WKT: &str = "POLYGON ((2.4 0.53, 2.4 -0.53, -0.6 -0.53, -0.6 0.53, 2.4 0.53))";

#[test]
fn xml_reader_never_panics_nor_reads_another_venue() {
    let xml: Reader = |t, n| walkable_area_from_jps_xml(t, n).map(|a| a.area());
    // Sanity: the unedited inputs are read.
    assert!((xml(XML_TWO_SUBROOMS, "two.xml").unwrap() - 15.0).abs() < 1e-9);
    let checked = exercise("two.xml", XML_TWO_SUBROOMS, xml, 5000, 1);
    println!("two.xml: {checked} edited files read");
    assert!(checked > 100, "only {checked} edited files read");
    let ao300 = std::fs::read_to_string(
        "../../../shared/data/hermes2009-AO300-wide-bottleneck/geo_AO_300.xml",
    );
    if let Ok(text) = ao300 {
        let checked = exercise("geo_AO_300.xml", &text, xml, 2000, 2);
        println!("geo_AO_300.xml: {checked} edited files read");
        assert!(checked > 50, "only {checked} edited files read");
    }
}

#[test]
fn wkt_readers_never_panic_nor_read_another_venue() {
    let wkt: Reader = |t, n| walkable_area_from_wkt(t, n).map(|a| a.area());
    assert!((wkt(WKT, "w.wkt").unwrap() - 55.0).abs() < 1e-9);
    let checked = exercise("w.wkt", WKT, wkt, 5000, 3);
    println!("w.wkt: {checked} edited texts read");
    assert!(checked > 100, "only {checked} edited texts read");
    let one: Reader = |t, n| polygon_from_wkt(t, n).map(|p| p.unsigned_area());
    exercise("one.wkt", ONE_WKT, one, 1000, 4);
}

#[test]
fn geojson_reader_never_panics_nor_reads_another_venue() {
    let geojson: Reader = |t, n| walkable_area_from_geojson(t, n).map(|a| a.area());
    assert!((geojson(GEOJSON, "g.json").unwrap() - 23.5).abs() < 1e-9);
    let checked = exercise("g.json", GEOJSON, geojson, 5000, 5);
    println!("g.json: {checked} edited texts read");
    assert!(checked > 100, "only {checked} edited texts read");
}
