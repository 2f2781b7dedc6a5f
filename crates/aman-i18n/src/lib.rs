//! # aman-i18n
//!
//! The three languages of the operations centre — French, Arabic and English — for every
//! text a person reads: the dashboard, its day report, error messages of its forms.
//!
//! - **Messages** are [Project Fluent](https://projectfluent.org/) files, one per language
//!   (`locales/fr.ftl`, `locales/ar.ftl`, `locales/en.ftl`), compiled into the binary. A
//!   message is asked for by its id ([`Localizer::t`]); no text of the interface is written
//!   anywhere else, and a test checks that every id exists in all three files.
//! - **Plurals** follow the CLDR cardinal plural rules (Unicode TR35, Part 3 "Numbers",
//!   §5 "Language Plural Rules"; the rules of CLDR's `plurals.xml`, [`plural_category`]):
//!   Arabic has six forms — zero (0), one (1), two (2), few (n % 100 in 3–10), many
//!   (n % 100 in 11–99), other (100–102, 200–202, …) — French three, English two. Counts go
//!   through [`Localizer::count`], which picks the variant itself: the plural rules compiled
//!   into Fluent's `intl_pluralrules` 7.0.2 drop Arabic's `% 100` (103 comes out "other",
//!   CLDR says "few"), and the browser's ICU, which the dashboard's script uses, has it right.
//! - **Direction:** Arabic is written right to left ([`Lang::dir`]); placeables are wrapped in
//!   Unicode bidi isolates (FSI U+2068 … PDI U+2069, Unicode Standard Annex #9, §2.7), so a
//!   Latin zone id or figure inside an Arabic sentence keeps its own order.
//! - **Figures** are written in Latin (ASCII) digits with a full stop as decimal mark in all
//!   three languages, so that both forces read the same number off the same screen.
//! - **Times** are stored in UTC and shown in both Europe/Paris and Africa/Casablanca local time
//!   ([`Localizer::times`]), from the IANA tz database (Morocco's change of offset during
//!   Ramadan is in it; see [`time`]).
#![forbid(unsafe_code)]

pub mod time;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde_json::{Map, Value, json};
use unic_langid::LanguageIdentifier;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// French.
    Fr,
    /// Arabic (written right to left).
    Ar,
    /// English.
    En,
}

impl Lang {
    /// The three, in the order the language menu shows them.
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::Ar, Lang::En];

    /// ISO 639-1 code: `"fr"`, `"ar"`, `"en"`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    /// The language of an ISO 639-1 code (`"fr"`, `"ar"`, `"en"`, any case); `None` for
    /// anything else.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The HTML `dir` of text in this language: `"rtl"` for Arabic, `"ltr"` otherwise.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The Fluent source of this language.
    pub fn source(self) -> &'static str {
        match self {
            Lang::Fr => include_str!("../locales/fr.ftl"),
            Lang::Ar => include_str!("../locales/ar.ftl"),
            Lang::En => include_str!("../locales/en.ftl"),
        }
    }

    fn langid(self) -> LanguageIdentifier {
        // The three codes are valid BCP 47 language subtags.
        self.code().parse().unwrap_or_default()
    }

    /// The CLDR cardinal plural categories of this language, each with the smallest
    /// non-negative integer of that category (Arabic: zero 0, one 1, two 2, few 3, many 11,
    /// other 100; French: one 0, other 2, many 1,000,000; English: other 0, one 1).
    pub fn plural_samples(self) -> Vec<(&'static str, u64)> {
        let mut out: Vec<(&'static str, u64)> = Vec::new();
        for n in [0u64, 1, 2, 3, 11, 100, 1_000_000] {
            let name = plural_category(self, n);
            if !out.iter().any(|(k, _)| *k == name) {
                out.push((name, n));
            }
        }
        out
    }
}

/// The CLDR cardinal plural category of the integer `n` in `lang`: `"zero"`, `"one"`,
/// `"two"`, `"few"`, `"many"` or `"other"`.
///
/// The rules of CLDR 46 `supplemental/plurals.xml` for integers (operands: n = i, v = 0,
/// e = 0):
/// - ar: zero n = 0; one n = 1; two n = 2; few n % 100 = 3..10; many n % 100 = 11..99;
/// - fr: one i = 0,1; many i != 0 and i % 1000000 = 0;
/// - en: one i = 1 (and v = 0).
pub fn plural_category(lang: Lang, n: u64) -> &'static str {
    match lang {
        Lang::Ar => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        Lang::Fr => match n {
            0 | 1 => "one",
            n if n % 1_000_000 == 0 => "many",
            _ => "other",
        },
        Lang::En => match n {
            1 => "one",
            _ => "other",
        },
    }
}

/// The variant a count message shows for `n`: a message whose value is one select on `$n`
/// gives the variant whose key is the number `n`, else the one whose key is `n`'s CLDR
/// category ([`plural_category`]), else the default; any other message is itself.
fn count_variant<'a>(
    pattern: &'a ast::Pattern<&'a str>,
    lang: Lang,
    n: u64,
) -> &'a ast::Pattern<&'a str> {
    let [ast::PatternElement::Placeable { expression }] = pattern.elements.as_slice() else {
        return pattern;
    };
    let ast::Expression::Select { selector, variants } = expression else {
        return pattern;
    };
    if !matches!(selector, ast::InlineExpression::VariableReference { id } if id.name == "n") {
        return pattern;
    }
    let cat = plural_category(lang, n);
    let by_number = variants.iter().find(|v| {
        matches!(&v.key, ast::VariantKey::NumberLiteral { value } if value.parse::<u64>() == Ok(n))
    });
    let by_category = || {
        variants
            .iter()
            .find(|v| matches!(&v.key, ast::VariantKey::Identifier { name } if *name == cat))
    };
    by_number
        .or_else(by_category)
        .or_else(|| variants.iter().find(|v| v.default))
        .map_or(pattern, |v| &v.value)
}

/// An argument of a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// A text (a zone's name, a login), put in as is between bidi isolates.
    Str(&'a str),
    /// A number, written in Latin digits; selects plural forms.
    Num(f64),
}

/// A message id the Fluent files do not have, or a file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The language.
    pub lang: Lang,
    /// The id, or the parser's message for a broken file.
    pub what: String,
}

/// The messages of one language. Get one with [`localizer`]; it is shared, immutable and
/// cheap to use from any thread.
pub struct Localizer {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    ids: BTreeSet<String>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer")
            .field("lang", &self.lang)
            .field("messages", &self.ids.len())
            .finish()
    }
}

/// The localizer of `lang`, built on first use.
///
/// A Fluent file that does not parse keeps the messages that do (Fluent's own recovery);
/// [`check_sources`] names the broken entries, and the test suite runs it.
pub fn localizer(lang: Lang) -> &'static Localizer {
    static CELLS: [OnceLock<Localizer>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    CELLS[i].get_or_init(|| Localizer::build(lang, lang.source()))
}

/// The ids of the messages of a Fluent source (terms, which start with `-`, and comments
/// left out).
pub fn message_ids(source: &str) -> BTreeSet<String> {
    let res = match FluentResource::try_new(source.to_owned()) {
        Ok(r) | Err((r, _)) => r,
    };
    res.entries()
        .filter_map(|e| match e {
            ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Every problem of the three Fluent files: a syntax error, a message missing from one
/// language that another has, or a count message (one with `$n`) that is not one select on
/// `$n` with a variant for every CLDR plural category of its language. Empty when all is
/// well.
pub fn check_sources() -> Vec<Missing> {
    check(Lang::ALL.map(|l| (l, l.source())))
}

fn check(sources: [(Lang, &str); 3]) -> Vec<Missing> {
    let mut out = Vec::new();
    let mut all = BTreeSet::new();
    for (lang, source) in sources {
        if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
            for e in errors {
                out.push(Missing {
                    lang,
                    what: format!("syntax error: {e:?}"),
                });
            }
        }
        all.extend(message_ids(source));
    }
    for (lang, source) in sources {
        let l = Localizer::build(lang, source);
        for id in &all {
            if !l.has(id) {
                out.push(Missing {
                    lang,
                    what: id.clone(),
                });
            }
        }
        for id in &l.ids {
            if let Some(what) = l.count_shape_problem(id) {
                out.push(Missing { lang, what });
            }
        }
    }
    out
}

impl Localizer {
    fn build(lang: Lang, source: &str) -> Localizer {
        let res = match FluentResource::try_new(source.to_owned()) {
            Ok(r) | Err((r, _)) => r,
        };
        let ids = res
            .entries()
            .filter_map(|e| match e {
                ast::Entry::Message(m) if m.value.is_some() => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect();
        let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
        // A duplicate id keeps the first; check_sources reports syntax errors.
        let _ = bundle.add_resource(res);
        Localizer { lang, bundle, ids }
    }

    fn count_shape_problem(&self, id: &str) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut vars = BTreeSet::new();
        pattern_vars(pattern, &mut vars);
        if !vars.contains("n") {
            return None;
        }
        let variants = match pattern.elements.as_slice() {
            [
                ast::PatternElement::Placeable {
                    expression:
                        ast::Expression::Select {
                            selector: ast::InlineExpression::VariableReference { id: sel },
                            variants,
                        },
                },
            ] if sel.name == "n" => variants,
            _ => return Some(format!("{id}: a count message must be one select on $n")),
        };
        let missing: Vec<&str> = self
            .lang
            .plural_samples()
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| {
                !variants
                    .iter()
                    .any(|v| matches!(&v.key, ast::VariantKey::Identifier { name } if name == c))
            })
            .collect();
        (!missing.is_empty()).then(|| format!("{id}: no variant for {missing:?}"))
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the message `id` exists (with a value) in this language.
    pub fn has(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The ids of all messages of this language, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// The message `id` with no arguments. A missing id comes back as the id itself (so a
    /// page still renders), and the test suite ([`check_sources`]) fails.
    pub fn t(&self, id: &str) -> String {
        self.t_args(id, &[])
    }

    /// The message `id` with `args` (`$name` in the Fluent file).
    pub fn t_args(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fa = FluentArgs::with_capacity(args.len());
        for (k, v) in args {
            match *v {
                Arg::Str(s) => fa.set(*k, FluentValue::from(s)),
                Arg::Num(x) => fa.set(*k, FluentValue::from(x)),
            }
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fa), &mut errors)
            .into_owned()
    }

    /// The count message `id` for `n` things: its `$n` is `n`, and its plural form is
    /// chosen by the language's CLDR rule (six forms in Arabic).
    pub fn count(&self, id: &str, n: u64) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fa = FluentArgs::new();
        fa.set("n", FluentValue::from(n as f64));
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(count_variant(pattern, self.lang, n), Some(&fa), &mut errors)
            .into_owned()
    }

    /// A UTC instant (µs since the Unix epoch) as `HH:MM:SS` in Paris and in Casablanca,
    /// labelled in this language (message `time-pair`), e.g. `14:05:09 Paris · 13:05:09
    /// Casablanca`.
    pub fn times(&self, utc_micros: i64) -> String {
        let (p, c) = time::clock_pair(utc_micros);
        self.t_args(
            "time-pair",
            &[("paris", Arg::Str(&p)), ("casablanca", Arg::Str(&c))],
        )
    }

    /// As [`Localizer::times`] with the local dates: `YYYY-MM-DD HH:MM` in each zone
    /// (message `date-time-pair`).
    pub fn date_times(&self, utc_micros: i64) -> String {
        let (p, c) = time::date_time_pair(utc_micros);
        self.t_args(
            "date-time-pair",
            &[("paris", Arg::Str(&p)), ("casablanca", Arg::Str(&c))],
        )
    }

    /// The messages for the browser's script, as JSON:
    /// `{"lang": "ar", "dir": "rtl", "plural": {...}, "messages": {id: text | {category: text}}}`.
    ///
    /// A message without variables is its text. A message with variables has each `$var`
    /// left as `{var}` for the script to fill in. A message with `$n` (a count) is an object
    /// with one text per CLDR plural category of the language (`zero`, `one`, `two`, `few`,
    /// `many`, `other`, as many as the language has), each formatted by Fluent with a number of
    /// that category; the script picks one with `Intl.PluralRules` and puts the number in.
    /// `plural` maps each category to its sample number.
    pub fn catalog(&self) -> Value {
        let samples = self.lang.plural_samples();
        let mut messages = Map::new();
        for id in &self.ids {
            let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut vars = BTreeSet::new();
            pattern_vars(pattern, &mut vars);
            let fill = |n: Option<u64>| {
                let mut fa = FluentArgs::new();
                for v in &vars {
                    if v == "n"
                        && let Some(n) = n
                    {
                        fa.set("n", FluentValue::from(n as f64));
                    } else {
                        fa.set(v.as_str(), FluentValue::from(format!("{{{v}}}")));
                    }
                }
                let mut errors = Vec::new();
                let p = n.map_or(pattern, |n| count_variant(pattern, self.lang, n));
                let s = self
                    .bundle
                    .format_pattern(p, Some(&fa), &mut errors)
                    .into_owned();
                match n {
                    Some(n) => s.replace(&format!("\u{2068}{n}\u{2069}"), "\u{2068}{n}\u{2069}"),
                    None => s,
                }
            };
            let value = if vars.contains("n") {
                Value::Object(
                    samples
                        .iter()
                        .map(|(cat, n)| ((*cat).to_owned(), Value::String(fill(Some(*n)))))
                        .collect(),
                )
            } else {
                Value::String(fill(None))
            };
            messages.insert(id.clone(), value);
        }
        let plural: BTreeMap<&str, u64> = samples.into_iter().collect();
        json!({
            "lang": self.lang.code(),
            "dir": self.lang.dir(),
            "plural": plural,
            "messages": messages,
        })
    }
}

/// The variables (`$name`) a pattern uses, selectors and every variant included.
fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_all_three_languages_and_every_file_parses() {
        let problems = check_sources();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(localizer(Lang::Fr).ids().count() >= 10);
    }

    #[test]
    fn the_check_names_a_missing_message_a_missing_plural_form_and_a_syntax_error() {
        let fr = "a = A\nb = B\n";
        let en = "a = A\nb = B\nc = { $n ->\n    [one] one\n   *[other] { $n }\n}\n";
        let ar = "a = A\nc = { $n ->\n    [one] one\n   *[other] { $n }\n}\nb = {\n";
        let problems = check([(Lang::Fr, fr), (Lang::Ar, ar), (Lang::En, en)]);
        let has = |lang: Lang, needle: &str| {
            problems
                .iter()
                .any(|p| p.lang == lang && p.what.contains(needle))
        };
        assert!(has(Lang::Fr, "c"), "{problems:#?}");
        assert!(has(Lang::Ar, "syntax error"), "{problems:#?}");
        assert!(has(Lang::Ar, "b"), "{problems:#?}");
        // Arabic's c lacks zero, two, few and many.
        assert!(has(Lang::Ar, "\"few\""), "{problems:#?}");
        assert!(!has(Lang::En, ""), "{problems:#?}");
    }

    #[test]
    fn arabic_has_six_plural_forms_each_used() {
        // CLDR: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many, 100–102 other.
        let cats: Vec<_> = Lang::Ar.plural_samples().into_iter().map(|c| c.0).collect();
        assert_eq!(cats, ["zero", "one", "two", "few", "many", "other"]);
        let l = localizer(Lang::Ar);
        let forms: Vec<String> = [0, 1, 2, 3, 10, 11, 99, 100, 101, 103]
            .into_iter()
            .map(|n| l.count("alerts-open", n))
            .collect();
        // The six forms differ from one another.
        let distinct: BTreeSet<&String> = [0, 1, 2, 3, 5, 7].iter().map(|&i| &forms[i]).collect();
        assert_eq!(distinct.len(), 6, "{forms:#?}");
        // 3 and 10 share the "few" form, 11 and 99 the "many" form, 100 and 101 "other",
        // 103 is "few" again (n % 100 in 3..=10).
        let strip = |s: &str| {
            s.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        };
        assert_eq!(strip(&forms[3]), strip(&forms[4]));
        assert_eq!(strip(&forms[5]), strip(&forms[6]));
        assert_eq!(strip(&forms[7]), strip(&forms[8]));
        assert_eq!(strip(&forms[9]), strip(&forms[3]));
        // Figures in Latin digits.
        assert!(forms[5].contains("\u{2068}11\u{2069}"), "{}", forms[5]);
    }

    /// CLDR 46 `plurals.xml`'s own integer samples of each category.
    #[test]
    fn plural_categories_match_cldr_samples() {
        let r = |a: u64, b: u64| (a..=b).collect::<Vec<u64>>();
        let cases: &[(Lang, &str, Vec<u64>)] = &[
            (Lang::Ar, "zero", vec![0]),
            (Lang::Ar, "one", vec![1]),
            (Lang::Ar, "two", vec![2]),
            (
                Lang::Ar,
                "few",
                [r(3, 10), r(103, 110), vec![1003]].concat(),
            ),
            (Lang::Ar, "many", [r(11, 26), vec![111, 1011]].concat()),
            (
                Lang::Ar,
                "other",
                [
                    r(100, 102),
                    r(200, 202),
                    r(300, 302),
                    r(400, 402),
                    r(500, 502),
                ]
                .concat()
                .into_iter()
                .chain([600, 1000, 10_000, 100_000, 1_000_000])
                .collect(),
            ),
            (Lang::Fr, "one", vec![0, 1]),
            (Lang::Fr, "many", vec![1_000_000]),
            (
                Lang::Fr,
                "other",
                [r(2, 17), vec![100, 1000, 10_000, 100_000]].concat(),
            ),
            (Lang::En, "one", vec![1]),
            (
                Lang::En,
                "other",
                [
                    vec![0],
                    r(2, 16),
                    vec![100, 1000, 10_000, 100_000, 1_000_000],
                ]
                .concat(),
            ),
        ];
        for (lang, cat, ns) in cases {
            for &n in ns {
                assert_eq!(plural_category(*lang, n), *cat, "{lang:?} {n}");
            }
        }
    }

    #[test]
    fn french_and_english_plurals() {
        assert_eq!(
            localizer(Lang::En).count("alerts-open", 1),
            "\u{2068}1\u{2069} open alert"
        );
        assert_eq!(
            localizer(Lang::En).count("alerts-open", 4),
            "\u{2068}4\u{2069} open alerts"
        );
        // French: 0 and 1 are singular (CLDR "one" is i = 0,1).
        assert_eq!(
            localizer(Lang::Fr).count("alerts-open", 0),
            "\u{2068}0\u{2069} alerte ouverte"
        );
        assert_eq!(
            localizer(Lang::Fr).count("alerts-open", 2),
            "\u{2068}2\u{2069} alertes ouvertes"
        );
    }

    #[test]
    fn catalog_carries_every_plural_form_for_the_script() {
        let c = localizer(Lang::Ar).catalog();
        assert_eq!(c["dir"], "rtl");
        let m = &c["messages"]["alerts-open"];
        for cat in ["zero", "one", "two", "few", "many", "other"] {
            assert!(m[cat].is_string(), "{cat}: {m}");
        }
        assert!(m["many"].as_str().is_some_and(|s| s.contains("{n}")), "{m}");
        assert_eq!(c["plural"]["many"], 11);
        let tp = c["messages"]["time-pair"].as_str().unwrap_or_default();
        assert!(
            tp.contains("{paris}") && tp.contains("{casablanca}"),
            "{tp}"
        );
        // English: one and other only.
        let e = localizer(Lang::En).catalog();
        assert_eq!(
            e["messages"]["alerts-open"].as_object().map(|o| o.len()),
            Some(2)
        );
    }

    #[test]
    fn languages_parse_and_point() {
        assert_eq!(Lang::parse("AR"), Some(Lang::Ar));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Fr.dir(), "ltr");
        assert_eq!(localizer(Lang::Fr).t("no-such-message"), "no-such-message");
    }
}
