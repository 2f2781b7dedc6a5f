//! Units in the dashboard (`GET /units`): the units the viewer sees (their agency's and the
//! shared ones) with call sign, agency, kind, status, position, badge and links to their
//! ICS-214 log (page and CSV); the form of a new unit (`POST /units`) and, on each unit of
//! the viewer's agency, a status form (`POST /units/{id}`, with the `version` read). Bad
//! input and stale versions are answered as on the incident pages ([`super::incidents`]).

use aman_ops::access::Action;
use aman_ops::record::FieldError;
use aman_ops::unit::{UnitFields, UnitKind, UnitStatus};
use aman_store::{StoreError, Unit};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::html::esc;
use super::incidents::{
    Fields, UNIT_ROWS, badge, field_error, field_error_as, field_problem, input, location_of,
    missing, owner_and_visibility, owns, place, respond, stale_error, version_of, zone_options,
};
use super::{Viewer, field, form_fields, see_other};
use crate::app::AppState;
use crate::auth::{Caller, Principal};
use crate::error::AppError;
use crate::exercise::Ctx;
use crate::ops::{actor, edits_unit, store_err};

/// Every kind of unit, in the form's order.
const KINDS: [UnitKind; 8] = [
    UnitKind::FootPatrol,
    UnitKind::Mounted,
    UnitKind::Vehicle,
    UnitKind::Medical,
    UnitKind::Fire,
    UnitKind::Stewards,
    UnitKind::Command,
    UnitKind::Other,
];

/// Every status of a unit.
const STATUSES: [UnitStatus; 5] = [
    UnitStatus::Available,
    UnitStatus::Assigned,
    UnitStatus::EnRoute,
    UnitStatus::OnScene,
    UnitStatus::OutOfService,
];

/// A unit kind's name (`foot_patrol`, …), as serde writes it.
fn kind_name(k: UnitKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A value of an enum written as serde writes it.
fn parse<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_string())).ok()
}

/// A form's error on the units page: which form (`new` or a unit's id), its HTML, and the
/// user's values.
struct UnitsError<'a> {
    form: String,
    html: String,
    draft: Option<&'a Fields>,
}

async fn units_main(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    err: Option<UnitsError<'_>>,
) -> Result<String, AppError> {
    let (units, _) = app
        .store
        .units(p.viewer(), UNIT_ROWS)
        .await
        .map_err(store_err)?;
    let error_for = |form: &str| {
        err.as_ref()
            .filter(|e| e.form == form)
            .map_or("", |e| e.html.as_str())
    };
    let mut m = format!(
        "<section class=\"panel\"><h1>{}</h1><p class=\"count\" data-n=\"{}\">{}</p>\
         <table id=\"units\" data-zones=\"{}\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        v.t("nav-units"),
        units.len(),
        esc(&v.l.count("units-listed", units.len() as u64)),
        super::incidents::zone_names(app, v),
        v.t("unit-call-sign"),
        v.t("inc-agency"),
        v.t("unit-kind"),
        v.t("status"),
        v.t("unit-position"),
        v.t("vis-shared"),
        v.t("unit-ics214"),
        v.t("actions"),
    );
    for u in &units {
        m.push_str(&unit_row(app, v, p, u, error_for(&u.meta.id)));
    }
    m.push_str("</tbody></table>");
    if units.is_empty() {
        m.push_str(&format!("<p class=\"ops-empty\">{}</p>", v.t("unit-none")));
    }
    m.push_str("</section>");
    if v.may(Action::ManageUnits) {
        let draft = err
            .as_ref()
            .filter(|e| e.form == "new")
            .and_then(|e| e.draft);
        let val = |name: &str| draft.and_then(|d| field(d, name)).unwrap_or("").to_string();
        let kind = val("kind");
        let mut h = format!(
            "<section class=\"panel\"><h2>{}</h2><form id=\"unit-form\" class=\"incident-form\" \
             method=\"post\" action=\"/units\">{}{}<div class=\"grid\">{}<label>{}\
             <select name=\"kind\">",
            v.t("unit-new"),
            v.csrf_field(),
            error_for("new"),
            input(v, "call_sign", &val("call_sign"), "text", 0),
            v.t("unit-kind"),
        );
        for k in KINDS {
            let n = kind_name(k);
            h.push_str(&format!(
                "<option value=\"{n}\"{}>{}</option>",
                if n == kind { " selected" } else { "" },
                v.t(&format!("unit-kind-{n}"))
            ));
        }
        h.push_str(&format!(
            "</select></label><label>{}<select name=\"zone\">{}</select></label>{}{}</div>\
             <label class=\"check\"><input type=\"checkbox\" name=\"shared\" value=\"1\"{}> {}\
             </label><button type=\"submit\">{}</button></form></section>",
            v.t("unit-position"),
            zone_options(app, v, &val("zone"), "unit-none-position"),
            input(v, "leader", &val("leader"), "text", 0),
            input(v, "resources", &val("resources"), "text", 2),
            if draft.is_some_and(|d| field(d, "shared").is_some()) {
                " checked"
            } else {
                ""
            },
            v.t("inc-shared"),
            v.t("unit-create"),
        ));
        m.push_str(&h);
    }
    Ok(m)
}

fn unit_row(app: &AppState, v: &Viewer, p: &Principal, u: &Unit, error: &str) -> String {
    let id = esc(&u.meta.id);
    let status = u.fields.status.name();
    let mut h = format!(
        "<tr data-unit=\"{id}\" data-status=\"{status}\" data-agency=\"{}\"><td dir=\"auto\">{}</td>\
         <td dir=\"ltr\">{}</td><td>{}</td><td class=\"unit-status\">{}</td><td>{}</td><td>{}</td>\
         <td><a class=\"ics214\" href=\"/units/{id}/ics214\">{}</a> \
         <a class=\"csv\" href=\"/api/v1/units/{id}/ics214.csv\" download>{}</a></td><td>",
        esc(&u.meta.agency),
        esc(&u.fields.call_sign),
        esc(&u.meta.agency),
        v.t(&format!("unit-kind-{}", kind_name(u.fields.kind))),
        v.t(&format!("unit-status-{status}")),
        u.fields
            .position
            .as_ref()
            .map_or_else(String::new, |l| place(app, v, l)),
        badge(v, u.meta.visibility),
        v.t("unit-ics214"),
        v.t("unit-csv"),
    );
    if v.may(Action::ManageUnits) && owns(p, &u.meta) {
        h.push_str(&format!(
            "<form class=\"unit-status-form\" method=\"post\" action=\"/units/{id}\">{}\
             <input type=\"hidden\" name=\"version\" value=\"{}\"><select name=\"status\" \
             aria-label=\"{}\">",
            v.csrf_field(),
            u.meta.version,
            v.t("status"),
        ));
        for s in STATUSES {
            h.push_str(&format!(
                "<option value=\"{n}\"{}>{}</option>",
                if s == u.fields.status {
                    " selected"
                } else {
                    ""
                },
                v.t(&format!("unit-status-{}", s.name())),
                n = s.name()
            ));
        }
        h.push_str(&format!(
            "</select> <button type=\"submit\">{}</button>{error}</form>",
            v.t("unit-set-status")
        ));
    }
    h.push_str("</td></tr>");
    h
}

async fn units_page(
    app: &AppState,
    v: &Viewer<'_>,
    p: &Principal,
    status: StatusCode,
    err: Option<UnitsError<'_>>,
) -> Result<Response, AppError> {
    let main = units_main(app, v, p, err).await?;
    respond(app, v, "units", &v.l.t("nav-units"), status, &main).await
}

/// `GET /units`: the units the viewer sees, the forms for who may manage units.
pub async fn page(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    units_page(&app, &v, &p, StatusCode::OK, None).await
}

/// The unit of the new unit form.
fn parse_unit(app: &AppState, fields: &Fields) -> Result<UnitFields, (&'static str, &'static str)> {
    let call_sign = field(fields, "call_sign").unwrap_or("").trim().to_string();
    if call_sign.is_empty() {
        return Err(("call_sign", "form-error-required"));
    }
    let kind: UnitKind =
        parse(field(fields, "kind").unwrap_or("")).ok_or(("kind", "form-error-choice"))?;
    let u = UnitFields {
        call_sign,
        kind,
        status: UnitStatus::Available,
        position: location_of(app, fields)?,
        leader: field(fields, "leader").unwrap_or("").trim().to_string(),
        resources: field(fields, "resources")
            .unwrap_or("")
            .trim_end()
            .to_string(),
    };
    u.check().map_err(|e| field_problem(&e))?;
    Ok(u)
}

/// `POST /units`: a new unit of the viewer's agency (restricted unless `shared`), then back
/// to the units (303).
pub async fn create(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    // A unit's kind is labelled as such, not as an incident's type.
    let refuse = |name: &str, problem: &str| match name {
        "kind" => field_error_as(&v, name, "unit-kind", problem),
        _ => field_error(&v, name, problem),
    };
    let html = match parse_unit(&app, &fields) {
        Err((name, problem)) => refuse(name, problem),
        Ok(u) => {
            let (agency, vis) = owner_and_visibility(&app, &p, &fields).await?;
            match app.store.create_unit(&actor(&p), &agency, vis, &u).await {
                Ok(_) => return Ok(see_other("/units")),
                Err(StoreError::Invalid { field, message }) => {
                    let (name, problem) = field_problem(&FieldError { field, message });
                    refuse(name, problem)
                }
                Err(e) => return Err(store_err(e)),
            }
        }
    };
    let err = UnitsError {
        form: "new".into(),
        html,
        draft: Some(&fields),
    };
    units_page(&app, &v, &p, StatusCode::UNPROCESSABLE_ENTITY, Some(err)).await
}

/// `POST /units/{id}`: a unit's new `status`, with the `version` read; only its own agency
/// (403 for the other agency's shared unit).
pub async fn set_status(
    Ctx(app): Ctx,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&p, &headers);
    let fields = form_fields(&headers, &body)?;
    let Some(cur) = app.store.unit(&id, p.viewer()).await.map_err(store_err)? else {
        return missing(&app, &v).await;
    };
    edits_unit(&p, &cur)?;
    let status: Option<UnitStatus> = field(&fields, "status").and_then(parse);
    let (code, html) = match (status, version_of(&fields)) {
        (None, _) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error(&v, "status", "form-error-choice"),
        ),
        (_, None) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error(&v, "version", "form-error-required"),
        ),
        (Some(s), Some(version)) => {
            let mut f = cur.fields.clone();
            f.status = s;
            match app.store.update_unit(&actor(&p), &id, version, &f).await {
                Ok(_) => return Ok(see_other("/units")),
                Err(StoreError::Conflict(_)) => {
                    let now = app
                        .store
                        .unit(&id, p.viewer())
                        .await
                        .map_err(store_err)?
                        .unwrap_or(cur);
                    (StatusCode::CONFLICT, stale_error(&v, &now.meta))
                }
                Err(StoreError::NotFound { .. }) => return missing(&app, &v).await,
                Err(e) => return Err(store_err(e)),
            }
        }
    };
    let err = UnitsError {
        form: id.clone(),
        html,
        draft: None,
    };
    units_page(&app, &v, &p, code, Some(err)).await
}
