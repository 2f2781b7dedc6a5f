//! # aman-ops
//!
//! The operations domain, pure and I/O-free: what an alert is for the people who act on it,
//! and the OASIS CAP 1.2 message of each of its steps (raise → `Alert`, worsening → `Update`,
//! resolution → `Cancel`), with `info` blocks in French, Arabic and English; and the access
//! policy (roles × actions, agency scoping, [`access`]); the audit log's hash chain
//! ([`audit`]); incidents after JESIP's M/ETHANE ([`incident`]), units and their tasks
//! ([`unit`](mod@unit)), each record shared with the joint command or restricted to its agency
//! ([`record`]); exercises: the master events list of injects, the scenario clock and the
//! after-action timings ([`exercise`], whose `Msel::load` is the crate's one file read). The
//! server stores and sends them.
#![forbid(unsafe_code)]

pub mod access;
pub mod alert;
pub mod audit;
pub mod exercise;
pub mod georef;
pub mod incident;
pub mod record;
mod text;
pub mod unit;

pub use alert::{CapContext, Mode, cap_message};
pub use exercise::{
    AfterActionInput, Clock, ClockError, ClockState, Inject, InjectKind, Method, Msel, MselError,
    after_action,
};
