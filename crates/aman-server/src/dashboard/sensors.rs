//! The sensors page (`GET /sensors`): per sensor its last reading, nominal period and
//! readings counted, how long since it was last heard (live or stale), and its error counts
//! (late, duplicate, counter resets, refused payloads).

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::html::{esc, num};
use super::{Viewer, html_response, layout, open_count};
use crate::app::now;
use crate::auth::Caller;
use crate::error::AppError;
use crate::exercise::Ctx;

/// `GET /sensors`.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let state = app
        .pipeline
        .state()
        .await
        .ok_or_else(|| AppError::Unavailable("the server is shutting down".into()))?;
    let rejections = app.store.rejections(&app.venue.id).await?;
    let t = now();
    let mut m = format!(
        "<section class=\"panel\"><h1>{}</h1><table id=\"sensors\"><thead><tr>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("nav-sensors"),
        v.t("sensor"),
        v.t("sensor-adapter"),
        v.t("sensor-health"),
        v.t("sensor-last-reading"),
        v.t("sensor-since"),
        v.t("sensor-period"),
        v.t("sensor-readings"),
        v.t("sensor-late"),
        v.t("sensor-duplicates"),
        v.t("sensor-refused"),
    );
    for (i, s) in app.venue.sensors.iter().enumerate() {
        let st = state.sensors.get(i);
        let live = st.is_some_and(|st| !st.stale && st.last_received.is_some());
        let health = if live { "live" } else { "stale" };
        let last = st.and_then(|s| s.last_received);
        let refused: u64 = rejections
            .iter()
            .filter(|r| r.sensor == s.id)
            .map(|r| r.count)
            .sum();
        m.push_str(&format!(
            "<tr class=\"sensor\" data-sensor=\"{id}\" data-health=\"{health}\">\
             <td dir=\"ltr\">{id}</td><td>{}</td><td class=\"health\">{}</td><td>{}</td>\
             <td class=\"num since\" data-t=\"{}\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num readings\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&format!("{:?}", s.adapter).to_ascii_lowercase()),
            v.t(&format!("health-{health}")),
            last.map_or_else(|| v.t("never"), |l| esc(&v.l.date_times(l.0))),
            last.map_or(0, |l| l.0),
            last.map_or_else(
                || "–".to_string(),
                |l| esc(&v.l.t_args(
                    "seconds-ago",
                    &[(
                        "s",
                        aman_i18n::Arg::Str(&num(Some((t.0 - l.0) as f64 / 1e6), 0))
                    )]
                ))
            ),
            esc(&v.l.t_args(
                "period-s",
                &[("s", aman_i18n::Arg::Str(&num(Some(s.period), 1)))]
            )),
            st.map_or(0, |s| s.readings),
            st.map_or(0, |s| s.late),
            st.map_or(0, |s| s.duplicates + s.resets),
            refused,
            id = esc(&s.id),
        ));
    }
    m.push_str("</tbody></table></section>");
    let open = open_count(&app).await?;
    Ok(html_response(
        StatusCode::OK,
        layout(&v, "sensors", &v.l.t("nav-sensors"), open, &m),
    ))
}
