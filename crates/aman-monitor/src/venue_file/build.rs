//! From the file's tables to a checked [`Venue`]: ids, references, numbers and geometry, every
//! problem collected.

use std::collections::HashMap;
use std::path::Path;

use aman_analysis::LosTable;
use aman_geometry::{MeasurementArea, Segment, Vec2, WalkableArea};
use geo::{Area, BooleanOps, Contains};

use super::syntax::{
    ChannelEntry, LineEntry, LosName, RuleEntry, SensorEntry, VenueFile, ZoneEntry,
};
use super::{MAX_COORDINATE, MAX_ID_LEN, Problem};
use crate::Venue;
use crate::reading::{MAX_DENSITY, MAX_NAME_LEN};
use crate::venue::{
    AdapterKind, Channel, Feed, Line, Measure, Names, Rule, Sensor, Subject, Transform, Zone,
};

/// Longest `window`, `period` and `hold`, s: one day.
const MAX_SECONDS: f64 = 86_400.0;

/// Problems and warnings gathered while building.
struct Ctx {
    problems: Vec<Problem>,
    warnings: Vec<String>,
}

impl Ctx {
    fn problem(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            key: key.into(),
            message: message.into(),
        });
    }
}

/// `zones[1] ('topview')`: the table's place and id, for keys and warnings.
fn table(kind: &str, i: usize, id: &str) -> String {
    format!("{kind}[{i}] ({id:?})").replace('"', "'")
}

/// Builds the venue or returns every problem found.
pub(super) fn build(
    file: VenueFile,
    base_dir: &Path,
    file_name: &str,
) -> Result<Venue, Vec<Problem>> {
    let mut cx = Ctx {
        problems: Vec::new(),
        warnings: Vec::new(),
    };

    // [venue]
    let v = &file.venue;
    let id = match &v.id {
        Some(id) => {
            if !venue_id_ok(id) {
                cx.problem(
                    "[venue] id",
                    format!(
                        "{id:?} is not a venue id: use 1 to {MAX_ID_LEN} lower-case letters, \
                         digits, '-' or '_', e.g. \"lyon2022\""
                    ),
                );
            }
            id.clone()
        }
        None => {
            let id = default_id(base_dir, file_name);
            if !venue_id_ok(&id) {
                cx.problem(
                    "[venue] id",
                    format!(
                        "not given, and the default from the file name, {id:?}, is not a venue \
                         id: set id = \"…\" (1 to {MAX_ID_LEN} lower-case letters, digits, '-' \
                         or '_')"
                    ),
                );
            }
            id
        }
    };
    check_names(&mut cx, "[venue] name", &v.name);
    let window = v.window.unwrap_or(60.0);
    check_seconds(&mut cx, "[venue] window", window, false);
    let origin = match &v.origin {
        None => None,
        Some(o) => match o.as_slice() {
            [lat, lon]
                if lat.is_finite()
                    && lon.is_finite()
                    && (-90.0..=90.0).contains(lat)
                    && (-180.0..=180.0).contains(lon) =>
            {
                Some((*lat, *lon))
            }
            _ => {
                cx.problem(
                    "[venue] origin",
                    format!(
                        "{o:?} is not a WGS84 position: write [latitude, longitude] in degrees, \
                         latitude in [-90, 90], longitude in [-180, 180], e.g. [45.7676, 4.8336]"
                    ),
                );
                None
            }
        },
    };
    let walkable = walkable_area(&mut cx, v, base_dir);

    // Ids first, so references can be resolved (and misspellings suggested) whatever order.
    let zone_ids: Vec<&str> = file.zones.iter().map(|z| z.id.as_str()).collect();
    let line_ids: Vec<&str> = file.lines.iter().map(|l| l.id.as_str()).collect();
    let sensor_ids: Vec<&str> = file.sensors.iter().map(|s| s.id.as_str()).collect();
    let rule_ids: Vec<&str> = file.rules.iter().map(|r| r.id.as_str()).collect();
    check_ids(&mut cx, "zones", &zone_ids);
    check_ids(&mut cx, "lines", &line_ids);
    check_ids(&mut cx, "sensors", &sensor_ids);
    check_ids(&mut cx, "rules", &rule_ids);

    let zones: Vec<Option<Zone>> = file
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| zone(&mut cx, i, z, walkable.as_ref()))
        .collect();
    let lines: Vec<Option<Line>> = file
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| line(&mut cx, i, l, walkable.as_ref(), &zone_ids))
        .collect();
    let sensors: Vec<Option<Sensor>> = file
        .sensors
        .iter()
        .enumerate()
        .map(|(i, s)| sensor(&mut cx, i, s, &zone_ids, &line_ids))
        .collect();
    let rules: Vec<Option<Rule>> = file
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| rule(&mut cx, i, r, &file, &zone_ids, &line_ids, &sensor_ids))
        .collect();

    // Warnings about coverage (only meaningful when everything resolved).
    if cx.problems.is_empty() {
        coverage_warnings(&mut cx, &file, &sensors, &rules);
    }

    let built = (
        walkable,
        collect(zones),
        collect(lines),
        collect(sensors),
        collect(rules),
    );
    match (cx.problems.is_empty(), built) {
        (true, (Some(walkable), Some(zones), Some(lines), Some(sensors), Some(rules))) => {
            Ok(Venue {
                id,
                name: v.name.clone(),
                walkable,
                zones,
                lines,
                sensors,
                rules,
                window,
                origin,
                forecast_scenario: v.forecast_scenario.as_ref().map(|f| base_dir.join(f)),
                warnings: cx.warnings,
            })
        }
        _ => {
            if cx.problems.is_empty() {
                // Every `None` above comes with a problem; this is a guard, not a path.
                cx.problem("(venue file)", "could not be read for an unknown reason");
            }
            Err(cx.problems)
        }
    }
}

fn collect<T>(items: Vec<Option<T>>) -> Option<Vec<T>> {
    items.into_iter().collect()
}

/// The id from the file name: its stem, or its folder's name for `venue.toml`.
fn default_id(base_dir: &Path, file_name: &str) -> String {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == "venue" {
        let folder = base_dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .or_else(|| {
                base_dir
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
            });
        if let Some(folder) = folder {
            return folder;
        }
    }
    stem
}

fn venue_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn part_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_ids(cx: &mut Ctx, kind: &str, ids: &[&str]) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        if !part_id_ok(id) {
            cx.problem(
                format!("{kind}[{i}].id"),
                format!(
                    "{id:?} is not an id: use 1 to {MAX_ID_LEN} letters, digits, '-' or '_', \
                     e.g. \"gate-north\""
                ),
            );
        }
        if let Some(j) = first.get(id) {
            cx.problem(
                format!("{kind}[{i}].id"),
                format!("{id:?} is already the id of {kind}[{j}]: ids must be unique per kind"),
            );
        } else {
            first.insert(id, i);
        }
    }
}

fn check_names(cx: &mut Ctx, key: &str, names: &Names) {
    for (lang, name) in [("fr", &names.fr), ("ar", &names.ar), ("en", &names.en)] {
        if name.trim().is_empty() {
            cx.problem(
                format!("{key}.{lang}"),
                "is empty: give the name in this language",
            );
        } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
            cx.problem(
                format!("{key}.{lang}"),
                "is longer than 200 characters or holds a control character",
            );
        }
    }
}

/// Checks a duration in seconds: finite, > 0 (or ≥ 0 when `zero_ok`), ≤ one day.
fn check_seconds(cx: &mut Ctx, key: &str, value: f64, zero_ok: bool) -> bool {
    let ok = value.is_finite()
        && value <= MAX_SECONDS
        && if zero_ok { value >= 0.0 } else { value > 0.0 };
    if !ok {
        let range = if zero_ok { "[0, 86400]" } else { "(0, 86400]" };
        cx.problem(
            key,
            format!("{value} s is not a duration in {range} s (at most one day)"),
        );
    }
    ok
}

fn walkable_area(
    cx: &mut Ctx,
    v: &super::syntax::VenueSection,
    base_dir: &Path,
) -> Option<WalkableArea> {
    let result = match (&v.walkable_area, &v.walkable_wkt) {
        (Some(file), None) => aman_geometry::import::walkable_area_from_file(&base_dir.join(file))
            .map_err(|e| ("[venue] walkable_area", e.to_string())),
        (None, Some(wkt)) => {
            aman_geometry::import::walkable_area_from_wkt(wkt, "[venue] walkable_wkt")
                .map_err(|e| ("[venue] walkable_wkt", e.to_string()))
        }
        (Some(_), Some(_)) => Err((
            "[venue] walkable_area",
            "both walkable_area and walkable_wkt are given: keep one".to_owned(),
        )),
        (None, None) => Err((
            "[venue] walkable_area",
            "missing: name the walkable area's file (walkable_area = \"site.wkt\", relative \
             to the venue file; .wkt, .geojson, .xml, .scenario or .floor) or give it inline \
             (walkable_wkt = \"POLYGON ((…))\")"
                .to_owned(),
        )),
    };
    match result {
        Ok(area) => {
            for note in area.notes() {
                cx.warnings.push(format!("walkable area: {note}"));
            }
            Some(area)
        }
        Err((key, message)) => {
            cx.problem(key, message);
            None
        }
    }
}

/// A point `[x, y]`: two finite numbers within ±[`MAX_COORDINATE`].
fn point(cx: &mut Ctx, key: &str, p: &[f64]) -> Option<Vec2> {
    match p {
        [x, y]
            if x.is_finite()
                && y.is_finite()
                && x.abs() <= MAX_COORDINATE
                && y.abs() <= MAX_COORDINATE =>
        {
            Some(Vec2::new(*x, *y))
        }
        _ => {
            cx.problem(
                key,
                format!(
                    "{p:?} is not a point: write [x, y], two finite numbers in metres within \
                     ±{MAX_COORDINATE:e}"
                ),
            );
            None
        }
    }
}

fn zone(cx: &mut Ctx, i: usize, z: &ZoneEntry, walkable: Option<&WalkableArea>) -> Option<Zone> {
    let t = table("zones", i, &z.id);
    let name = names_or_id(cx, &t, z.name.as_ref(), &z.id);
    let polygon = match (&z.polygon, &z.wkt) {
        (Some(corners), None) => {
            let mut ring = Vec::with_capacity(corners.len() + 1);
            let mut ok = true;
            for (k, c) in corners.iter().enumerate() {
                match point(cx, &format!("{t}.polygon[{k}]"), c) {
                    Some(p) => ring.push(geo::coord! { x: p.x, y: p.y }),
                    None => ok = false,
                }
            }
            ok.then(|| geo::Polygon::new(geo::LineString::new(ring), vec![]))
        }
        (None, Some(wkt)) => {
            match aman_geometry::import::polygon_from_wkt(wkt, &format!("{t}.wkt")) {
                Ok(p) if p.interiors().is_empty() => Some(p),
                Ok(_) => {
                    cx.problem(format!("{t}.wkt"), "a zone cannot have holes: draw its outline only (obstacles in it are taken from the walkable area)");
                    None
                }
                Err(e) => {
                    cx.problem(format!("{t}.wkt"), e.to_string());
                    None
                }
            }
        }
        (Some(_), Some(_)) => {
            cx.problem(
                format!("{t}.polygon"),
                "both polygon and wkt are given: keep one",
            );
            None
        }
        (None, None) => {
            cx.problem(
                format!("{t}.polygon"),
                "missing: give the corners (polygon = [[x1, y1], [x2, y2], [x3, y3], …], m) or wkt = \"POLYGON ((…))\"",
            );
            None
        }
    };
    let area = polygon.and_then(|p| match MeasurementArea::new(&z.id, p) {
        Ok(a) => Some(a),
        Err(e) => {
            let key = if z.wkt.is_some() { "wkt" } else { "polygon" };
            cx.problem(format!("{t}.{key}"), e.to_string());
            None
        }
    });
    if z.capacity == Some(0) {
        cx.problem(
            format!("{t}.capacity"),
            "0 persons: give the most persons allowed (> 0), or leave capacity out",
        );
    }
    let los = match z.los.unwrap_or(LosName::Walkway) {
        LosName::Walkway => LosTable::Walkway,
        LosName::Stairway => LosTable::Stairway,
        LosName::Queue => LosTable::Queue,
    };
    let area = area?;
    let walkable = walkable?;
    let walkable_m2 = if walkable.polygon().contains(area.polygon()) {
        area.area()
    } else {
        let inside = walkable
            .polygon()
            .intersection(area.polygon())
            .unsigned_area();
        let outline = geo::Polygon::new(walkable.polygon().exterior().clone(), vec![]);
        let within_outline = outline.intersection(area.polygon()).unsigned_area();
        let outside = (area.area() - within_outline).max(0.0);
        if inside.partial_cmp(&(1e-9 * area.area().max(1.0))) != Some(std::cmp::Ordering::Greater) {
            cx.problem(
                format!("{t}.polygon"),
                format!(
                    "the zone ({:.2} m²) lies wholly outside the walkable area or on its \
                     obstacles: check its coordinates against the walkable area (bounds {})",
                    area.area(),
                    bounds_text(walkable)
                ),
            );
            return None;
        }
        if outside > 1e-6 * area.area() {
            cx.warnings.push(format!(
                "{t}: {outside:.2} m² of its {:.2} m² lie outside the walkable area; its \
                 density uses the {inside:.2} m² walkable inside it",
                area.area()
            ));
        }
        inside
    };
    Some(Zone {
        id: z.id.clone(),
        name: name?,
        area,
        walkable_m2,
        capacity: z.capacity.filter(|&c| c > 0),
        los,
    })
    .filter(|_| z.capacity != Some(0))
}

fn bounds_text(walkable: &WalkableArea) -> String {
    let (lo, hi) = walkable.bounds();
    format!(
        "x {:.2} to {:.2}, y {:.2} to {:.2} m",
        lo.x, hi.x, lo.y, hi.y
    )
}

fn names_or_id(cx: &mut Ctx, t: &str, names: Option<&Names>, id: &str) -> Option<Names> {
    match names {
        Some(n) => {
            let before = cx.problems.len();
            check_names(cx, &format!("{t}.name"), n);
            (cx.problems.len() == before).then(|| n.clone())
        }
        None => Some(Names {
            fr: id.to_owned(),
            ar: id.to_owned(),
            en: id.to_owned(),
        }),
    }
}

/// The index of `id` among `ids`, or a problem at `key` suggesting the closest one.
fn resolve(cx: &mut Ctx, key: &str, kind: &str, id: &str, ids: &[&str]) -> Option<usize> {
    if let Some(i) = ids.iter().position(|x| *x == id) {
        return Some(i);
    }
    let hint = if ids.is_empty() {
        format!("there are no [[{kind}]] in the file: add one with id = {id:?}")
    } else {
        let best = ids
            .iter()
            .map(|x| (edit_distance(id, x), *x))
            .min()
            .filter(|(d, x)| *d <= (x.chars().count().max(id.chars().count()) / 3).max(2));
        let mut listed: Vec<&str> = ids.iter().copied().take(12).collect();
        listed.sort_unstable();
        let list = listed.join(", ");
        match best {
            Some((_, x)) => format!("did you mean `{x}`? ({kind}: {list})"),
            None => format!("the {kind} are: {list}"),
        }
    };
    cx.problem(key, format!("no {} with id {id:?}: {hint}", singular(kind)));
    None
}

fn singular(kind: &str) -> &str {
    kind.strip_suffix('s').unwrap_or(kind)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != *cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

fn line(
    cx: &mut Ctx,
    i: usize,
    l: &LineEntry,
    walkable: Option<&WalkableArea>,
    zone_ids: &[&str],
) -> Option<Line> {
    let t = table("lines", i, &l.id);
    let name = names_or_id(cx, &t, l.name.as_ref(), &l.id);
    let ends = match l.line.as_slice() {
        [a, b] => {
            let a = point(cx, &format!("{t}.line[0]"), a);
            let b = point(cx, &format!("{t}.line[1]"), b);
            match (a, b) {
                (Some(a), Some(b)) if a.distance(b) > 1e-6 => Some(Segment::new(a, b)),
                (Some(_), Some(_)) => {
                    cx.problem(
                        format!("{t}.line"),
                        "its two ends are the same point: a line needs two distinct ends",
                    );
                    None
                }
                _ => None,
            }
        }
        other => {
            cx.problem(
                format!("{t}.line"),
                format!(
                    "has {} points: a line is its two ends [[x1, y1], [x2, y2]], m",
                    other.len()
                ),
            );
            None
        }
    };
    let in_side = point(cx, &format!("{t}.in_side"), &l.in_side);
    let into = l
        .into
        .as_deref()
        .map(|z| resolve(cx, &format!("{t}.into"), "zones", z, zone_ids));
    let from = l
        .from
        .as_deref()
        .map(|z| resolve(cx, &format!("{t}.from"), "zones", z, zone_ids));
    if let (Some(a), Some(b)) = (&l.into, &l.from)
        && a == b
    {
        cx.problem(
            format!("{t}.from"),
            format!(
                "into and from are both {a:?}: an \"in\" crossing enters one zone and leaves \
                 another"
            ),
        );
    }
    let segment = ends?;
    let length = segment.length();
    let width = l.width.unwrap_or(length);
    let mut ok = true;
    if !(width.is_finite() && width > 0.0 && width <= length + 1e-9) {
        cx.problem(
            format!("{t}.width"),
            format!(
                "{width} m is not a clear width in (0, {length:.3}] m: the opening cannot be \
                 wider than the line drawn across it (leave width out to use the line's length)"
            ),
        );
        ok = false;
    }
    let in_normal = in_side.and_then(|p| {
        let dir = (segment.b - segment.a).normalized();
        let off = dir.cross(p - segment.a);
        if off.abs() <= 1e-6 {
            cx.problem(
                format!("{t}.in_side"),
                format!(
                    "[{}, {}] lies on the line (or its extension): give a point off it, on the \
                     side an \"in\" crossing goes to",
                    p.x, p.y
                ),
            );
            None
        } else {
            Some(if off > 0.0 { dir.perp() } else { -dir.perp() })
        }
    });
    if let Some(w) = walkable {
        let inside = (0..=200).any(|k| {
            let s = f64::from(k) / 200.0;
            w.contains(segment.a + (segment.b - segment.a) * s)
        });
        if !inside {
            cx.problem(
                format!("{t}.line"),
                format!(
                    "no part of the line lies in the walkable area: draw it across a passage \
                     (walkable area bounds {})",
                    bounds_text(w)
                ),
            );
            ok = false;
        }
    }
    let into = into.unwrap_or(None);
    let from = from.unwrap_or(None);
    if (l.into.is_some() && into.is_none()) || (l.from.is_some() && from.is_none()) || !ok {
        return None;
    }
    if l.into.is_some() && l.into == l.from {
        return None;
    }
    Some(Line {
        id: l.id.clone(),
        name: name?,
        segment,
        width,
        in_normal: in_normal?,
        into,
        from,
    })
}

fn sensor(
    cx: &mut Ctx,
    i: usize,
    s: &SensorEntry,
    zone_ids: &[&str],
    line_ids: &[&str],
) -> Option<Sensor> {
    let t = table("sensors", i, &s.id);
    let before = cx.problems.len();
    let period = s.period.unwrap_or(60.0);
    check_seconds(cx, &format!("{t}.period"), period, false);
    let transform = match &s.transform {
        None => Transform::IDENTITY,
        Some(tr) => {
            let translate = match &tr.translate {
                None => Some(Vec2::new(0.0, 0.0)),
                Some(p) => point(cx, &format!("{t}.transform.translate"), p),
            };
            let rotate = tr.rotate.unwrap_or(0.0);
            if !(rotate.is_finite() && rotate.abs() <= 360.0) {
                cx.problem(
                    format!("{t}.transform.rotate"),
                    format!("{rotate}° is not an angle in [-360, 360] degrees"),
                );
            }
            let scale = tr.scale.unwrap_or(1.0);
            if !(scale.is_finite() && scale > 0.0 && scale <= 1.0e6) {
                cx.problem(
                    format!("{t}.transform.scale"),
                    format!(
                        "{scale} is not a scale in (0, 1e6]: metres per sensor unit, e.g. 0.01 \
                         for a sensor reporting centimetres"
                    ),
                );
            }
            Transform {
                translate: translate.unwrap_or(Vec2::new(0.0, 0.0)),
                rotation: rotate.to_radians(),
                scale,
            }
        }
    };
    if s.channels.is_empty() {
        cx.problem(
            format!("{t}.channels"),
            "the sensor has no channel: add a [[sensors.channels]] table after it saying what \
             it feeds (tracks = true, line = \"…\" or zone = \"…\")",
        );
    }
    let several = s.channels.len() > 1;
    let mut channels = Vec::with_capacity(s.channels.len());
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (k, c) in s.channels.iter().enumerate() {
        let ck = format!("{t}.channels[{k}]");
        let name = c.name.as_deref().unwrap_or("");
        if name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
            cx.problem(
                format!("{ck}.name"),
                format!("is longer than {MAX_NAME_LEN} bytes or holds a control character"),
            );
        }
        if several && name.is_empty() {
            cx.problem(
                format!("{ck}.name"),
                "missing: a sensor with several channels must name each one as its payload \
                 does (ONVIF rule, Xovis line, Axis scenario name)",
            );
        }
        if let Some(j) = names.get(name) {
            cx.problem(
                format!("{ck}.name"),
                format!("{name:?} is already the name of channels[{j}]: channel names must be unique per sensor"),
            );
        } else {
            names.insert(name, k);
        }
        if let Some(feed) = channel_feed(cx, &ck, s.adapter, c, zone_ids, line_ids) {
            channels.push(Channel {
                name: name.to_owned(),
                feed,
            });
        }
    }
    if s.transform.is_some() && !channels.iter().any(|c| c.feed == Feed::Tracks) {
        cx.warnings.push(format!(
            "{t}: transform is given but no channel has tracks = true: it is unused"
        ));
    }
    (cx.problems.len() == before).then(|| Sensor {
        id: s.id.clone(),
        adapter: s.adapter,
        period,
        channels,
        transform,
    })
}

fn adapter_name(a: AdapterKind) -> &'static str {
    match a {
        AdapterKind::Aman => "aman",
        AdapterKind::Onvif => "onvif",
        AdapterKind::Xovis => "xovis",
        AdapterKind::Axis => "axis",
    }
}

fn channel_feed(
    cx: &mut Ctx,
    ck: &str,
    adapter: AdapterKind,
    c: &ChannelEntry,
    zone_ids: &[&str],
    line_ids: &[&str],
) -> Option<Feed> {
    let tracks = c.tracks == Some(true);
    let given = usize::from(tracks) + usize::from(c.line.is_some()) + usize::from(c.zone.is_some());
    if given != 1 {
        cx.problem(
            ck,
            if given == 0 {
                "says nothing about what it feeds: give exactly one of tracks = true, line = \
                 \"<line id>\" or zone = \"<zone id>\""
            } else {
                "gives more than one of tracks, line and zone: a channel feeds one thing; \
                 split it into several channels"
            },
        );
        return None;
    }
    if c.direction.is_some() && c.line.is_none() {
        cx.problem(
            format!("{ck}.direction"),
            "only a line channel has a direction: remove it, or feed a line",
        );
        return None;
    }
    let a = adapter_name(adapter);
    let feed = if tracks {
        if matches!(adapter, AdapterKind::Onvif | AdapterKind::Axis) {
            cx.problem(
                format!("{ck}.tracks"),
                format!(
                    "the {a} adapter sends counts and occupancy, not tracks: use adapter \
                     \"aman\" or \"xovis\" for a track sensor, or feed a line or zone"
                ),
            );
            return None;
        }
        Feed::Tracks
    } else if let Some(line) = &c.line {
        if adapter == AdapterKind::Axis {
            cx.problem(
                format!("{ck}.line"),
                "the axis adapter sends zone occupancy only: feed a zone (zone = \"…\"), or use \
                 adapter \"onvif\" for a counting line",
            );
            return None;
        }
        if adapter == AdapterKind::Onvif && c.direction.is_none() {
            cx.problem(
                format!("{ck}.direction"),
                "missing: an ONVIF counter counts one direction and its payload does not say \
                 which: add direction = \"in\" or \"out\" (one channel per counter)",
            );
            return None;
        }
        let line = resolve(cx, &format!("{ck}.line"), "lines", line, line_ids)?;
        Feed::Line {
            line,
            direction: c.direction,
        }
    } else {
        let zone = c.zone.as_deref().unwrap_or("");
        if adapter == AdapterKind::Xovis {
            cx.problem(
                format!("{ck}.zone"),
                "the xovis adapter sends line counts and tracks: feed a line, or tracks = true \
                 (zones are then filled from the tracks)",
            );
            return None;
        }
        let zone = resolve(cx, &format!("{ck}.zone"), "zones", zone, zone_ids)?;
        Feed::Zone { zone }
    };
    Some(feed)
}

#[allow(clippy::too_many_arguments)]
fn rule(
    cx: &mut Ctx,
    i: usize,
    r: &RuleEntry,
    file: &VenueFile,
    zone_ids: &[&str],
    line_ids: &[&str],
    sensor_ids: &[&str],
) -> Option<Rule> {
    let t = table("rules", i, &r.id);
    let before = cx.problems.len();
    let given = usize::from(r.zone.is_some())
        + usize::from(r.line.is_some())
        + usize::from(r.sensor.is_some());
    let subject = if given != 1 {
        cx.problem(
            t.clone(),
            "give exactly one of zone = \"…\", line = \"…\" or sensor = \"…\": the part the \
             rule watches",
        );
        None
    } else if let Some(z) = &r.zone {
        resolve(cx, &format!("{t}.zone"), "zones", z, zone_ids).map(Subject::Zone)
    } else if let Some(l) = &r.line {
        resolve(cx, &format!("{t}.line"), "lines", l, line_ids).map(Subject::Line)
    } else {
        let s = r.sensor.as_deref().unwrap_or("");
        resolve(cx, &format!("{t}.sensor"), "sensors", s, sensor_ids).map(Subject::Sensor)
    };
    let m = r.measure.name();
    let fits = matches!(
        (subject, r.measure),
        (
            Some(Subject::Zone(_)),
            Measure::Density | Measure::Los | Measure::Pressure | Measure::Occupancy,
        ) | (Some(Subject::Line(_)), Measure::SpecificFlow)
            | (Some(Subject::Sensor(_)), Measure::Stale)
            | (None, _)
    );
    if !fits {
        let needs = match r.measure {
            Measure::Density | Measure::Los | Measure::Pressure | Measure::Occupancy => "a zone",
            Measure::SpecificFlow => "a line",
            Measure::Stale => "a sensor",
        };
        cx.problem(
            format!("{t}.measure"),
            format!("{m} is measured on {needs}: watch {needs} (zone, line or sensor = \"…\"), or choose a measure of what the rule watches (zone: density, los, pressure, occupancy; line: specific_flow; sensor: stale)"),
        );
    }
    if let (Some(Subject::Zone(z)), Measure::Occupancy) = (subject, r.measure)
        && file.zones.get(z).is_some_and(|z| z.capacity.is_none())
    {
        cx.problem(
            format!("{t}.measure"),
            format!(
                "occupancy is a fraction of the zone's capacity, and zone {:?} has none: set \
                 capacity in the zone",
                zone_ids.get(z).copied().unwrap_or("")
            ),
        );
    }
    let hold = r.hold.unwrap_or(0.0);
    check_seconds(cx, &format!("{t}.hold"), hold, true);
    let (raise, clear) = if r.measure == Measure::Stale {
        for (k, v) in [("above", &r.above), ("below", &r.below)] {
            if v.is_some() {
                cx.problem(
                    format!("{t}.{k}"),
                    "a stale rule has no threshold (it is raised when the sensor is silent \
                     longer than its period): remove it",
                );
            }
        }
        (0.0, 0.0)
    } else {
        let raise = match &r.above {
            None => {
                cx.problem(
                    format!("{t}.above"),
                    format!(
                        "missing: the threshold at which the rule is raised ({})",
                        unit(r.measure)
                    ),
                );
                None
            }
            Some(v) => threshold(cx, &format!("{t}.above"), r.measure, v),
        };
        let clear = match &r.below {
            None => raise,
            Some(v) => threshold(cx, &format!("{t}.below"), r.measure, v),
        };
        if let (Some(a), Some(b)) = (raise, clear)
            && b > a
        {
            cx.problem(
                format!("{t}.below"),
                format!(
                    "the clear threshold {} is above the raise threshold {}: below must be at \
                     most above (equal: no hysteresis band)",
                    show(r.measure, b),
                    show(r.measure, a)
                ),
            );
        }
        (raise.unwrap_or(0.0), clear.unwrap_or(0.0))
    };
    if cx.problems.len() != before {
        return None;
    }
    Some(Rule {
        id: r.id.clone(),
        subject: subject?,
        measure: r.measure,
        raise,
        clear,
        hold,
        severity: r.severity,
    })
}

fn unit(m: Measure) -> &'static str {
    match m {
        Measure::Density => "persons/m², e.g. 2.0",
        Measure::Los => "a level-of-service letter A to F, e.g. \"E\"",
        Measure::Pressure => "1/s², e.g. 0.02",
        Measure::Occupancy => "a fraction of the zone's capacity, e.g. 0.9 for 90 %",
        Measure::SpecificFlow => "persons/(m·s), e.g. 1.3",
        Measure::Stale => "none",
    }
}

fn show(m: Measure, v: f64) -> String {
    if m == Measure::Los {
        let letters = ['A', 'B', 'C', 'D', 'E', 'F'];
        // v is an integer 0..=5 here (checked by `threshold`).
        letters
            .get(v as usize)
            .map_or_else(|| v.to_string(), |c| format!("\"{c}\""))
    } else {
        v.to_string()
    }
}

/// A threshold as written: a letter for `los`, else a number in the measure's range.
fn threshold(cx: &mut Ctx, key: &str, m: Measure, v: &toml::Value) -> Option<f64> {
    if m == Measure::Los {
        let letter = v.as_str().map(str::trim).unwrap_or("");
        return match letter {
            "A" => Some(0.0),
            "B" => Some(1.0),
            "C" => Some(2.0),
            "D" => Some(3.0),
            "E" => Some(4.0),
            "F" => Some(5.0),
            _ => {
                cx.problem(
                    key,
                    format!(
                        "{v} is not a level of service: write a letter \"A\" to \"F\", e.g. \"E\""
                    ),
                );
                None
            }
        };
    }
    let x = match v {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    let (max, what) = match m {
        Measure::Density => (MAX_DENSITY, "persons/m²"),
        Measure::Pressure => (100.0, "1/s²"),
        Measure::Occupancy => (10.0, "× capacity"),
        Measure::SpecificFlow => (10.0, "persons/(m·s)"),
        Measure::Los | Measure::Stale => (f64::INFINITY, ""),
    };
    match x {
        Some(x) if x.is_finite() && x > 0.0 && x <= max => Some(x),
        _ => {
            cx.problem(
                key,
                format!(
                    "{v} is not a {} threshold in (0, {max}] {what}: write {}",
                    m.name(),
                    unit(m)
                ),
            );
            None
        }
    }
}

/// Warnings about parts nothing feeds or watches.
fn coverage_warnings(
    cx: &mut Ctx,
    file: &VenueFile,
    sensors: &[Option<Sensor>],
    rules: &[Option<Rule>],
) {
    let feeds: Vec<&Feed> = sensors
        .iter()
        .flatten()
        .flat_map(|s| s.channels.iter().map(|c| &c.feed))
        .collect();
    let tracks = feeds.iter().any(|f| **f == Feed::Tracks);
    for (i, z) in file.zones.iter().enumerate() {
        if !tracks && !feeds.iter().any(|f| **f == Feed::Zone { zone: i }) {
            let into = file
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.into.as_deref() == Some(&z.id) || l.from.as_deref() == Some(&z.id)
                })
                .any(|(k, _)| {
                    feeds
                        .iter()
                        .any(|f| matches!(f, Feed::Line { line, .. } if *line == k))
                });
            if !into {
                cx.warnings.push(format!(
                    "{}: no sensor feeds it (no zone channel, no track sensor, no counted line \
                     into or out of it): its state stays empty",
                    table("zones", i, &z.id)
                ));
            }
        }
    }
    for (i, l) in file.lines.iter().enumerate() {
        if !tracks
            && !feeds
                .iter()
                .any(|f| matches!(f, Feed::Line { line, .. } if *line == i))
        {
            cx.warnings.push(format!(
                "{}: no sensor feeds it (no line channel, no track sensor): its counts stay 0",
                table("lines", i, &l.id)
            ));
        }
    }
    for (i, s) in file.sensors.iter().enumerate() {
        let watched = rules
            .iter()
            .flatten()
            .any(|r| r.measure == Measure::Stale && r.subject == Subject::Sensor(i));
        if !watched {
            cx.warnings.push(format!(
                "{}: no stale rule watches it: its silence raises no alert",
                table("sensors", i, &s.id)
            ));
        }
    }
    for (i, r) in rules.iter().enumerate() {
        if let Some(r) = r
            && r.measure == Measure::Pressure
            && !tracks
        {
            cx.warnings.push(format!(
                "{}: pressure is computed from tracks and no sensor sends tracks: the rule \
                 cannot be raised",
                table("rules", i, &r.id)
            ));
        }
    }
}
