//! Escaping for server-rendered HTML: every text and attribute value that is not a literal
//! of this module's callers goes through [`esc`], so a name, a note or a login cannot open a
//! tag or an attribute (OWASP XSS Prevention Cheat Sheet, rules 1 and 2).

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe as HTML text
/// and inside a quoted attribute value: the one escaping function of every page, the
/// reports' ([`aman_report::html::esc`]).
pub use aman_report::html::esc;

/// JSON for a `<script type="application/json">` element: `<` written `\u003c` so the text
/// cannot close the element (`</script>`) or open a comment, whatever the strings hold.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

/// A number in Latin digits with at most `decimals` decimals and a full stop (the same in all
/// three languages); `–` for none.
pub fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.decimals$}"),
        _ => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        let j = serde_json::json!({"a": "</script><!--"});
        assert!(!script_json(&j).contains('<'));
        assert_eq!(num(Some(1.26), 1), "1.3");
        assert_eq!(num(None, 1), "–");
    }
}
