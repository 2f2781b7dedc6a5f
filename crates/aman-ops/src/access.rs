//! Who may do what: the whole access policy of `aman serve` in one table (role × action) and
//! one rule for agencies (an object of agency A is seen by agency B only when shared with it).
//!
//! The server checks both on every request (`aman-server`'s route table names the action of
//! each route); a button hidden in a page is never the check. Pure and I/O-free, so each
//! decision is unit-tested here.
//!
//! | action               | commander | operator | analyst | observer | trainer | admin |
//! |----------------------|:---------:|:--------:|:-------:|:--------:|:-------:|:-----:|
//! | `Read`               | ✓         | ✓        | ✓       | ✓        | ✓       | ✓     |
//! | `OwnAccount`         | ✓         | ✓        | ✓       | ✓        | ✓       | ✓     |
//! | `AcknowledgeAlert`   | ✓         | ✓        |         |          |         |       |
//! | `JudgeAlert`         | ✓         |          |         |          |         |       |
//! | `ResolveAlert`       | ✓         |          |         |          |         |       |
//! | `ManageUsers`        |           |          |         |          |         | ✓ (own agency) |
//! | `PostReadings`       | sensor tokens only                                              |||||
//! | `WhatIf`             | ✓         | ✓        | ✓       |          | ✓       | ✓     |
//! | `ManageIncidents`    | ✓         | ✓        |         |          |         |       |
//! | `ShareRecord`        | ✓         |          |         |          |         |       |
//! | `ManageUnits`        | ✓         | ✓        |         |          |         |       |
//! | `TaskUnits`          | ✓         | ✓        |         |          |         |       |
//! | `RunExercise`        |           |          |         |          | ✓       |       |
//!
//! Decisions behind the table:
//! - *commander* acknowledges and gives the verdict (true/false positive) that closes the
//!   judgement of an alert, and resolves an alert by hand (the situation is handled: its CAP
//!   `Cancel` goes out to every recipient, so it is a commander's decision); *operator*
//!   acknowledges (has seen it, acts on it).
//! - *analyst*, *observer* and *trainer* read everything joint (zones, alerts, readings,
//!   statistics); *trainer* alone runs exercises (`RunExercise`: makes one from a master
//!   events list, starts, pauses, speeds, skips and ends it, reads its after-action report).
//!   Players take part with their own roles: in an exercise an operator acknowledges and
//!   tasks as live, on the exercise's records only.
//! - *admin* manages the accounts of **its own agency** only (create, disable, list) and
//!   reads; it does not operate alerts (separation of duties: an account administrator is
//!   not on watch). Agencies themselves, and the first admin of each, are created on the
//!   server's command line (`aman agency add`, `aman user add`, `aman serve --init`), which
//!   needs access to the database and so is the venue operator's own authority.
//! - *what-if* (the forecast with a gate closed or held, a zone evacuated) is a computation
//!   that changes nothing, but it is a planning tool of those who act or prepare: every role
//!   but *observer*, who reads the forecast itself like the rest of the joint picture.
//! - *Incidents, units and tasks* (`ManageIncidents`, `ManageUnits`, `TaskUnits`): raised,
//!   edited, moved through their status and tasked by those on watch, *commander* and
//!   *operator*; everyone else reads what its agency may see. **Sharing** a restricted record
//!   with the joint command (`ShareRecord`) discloses an agency's information to the other
//!   agency, so it is the owning agency's *commander*'s decision alone (the handler also
//!   checks that the commander's agency owns the record).
//! - Every incident, unit and task has an owning agency and a [`Visibility`]: a restricted
//!   record does not exist for another agency ([`sees`]).
//! - An admin **token** (`aman token create --admin`, for scripts) keeps its power over the
//!   whole server: every action but posting readings, across agencies.

use std::fmt;

pub use crate::record::Visibility;

/// A user's role, as stored (`commander`, `operator`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Directs operations: acknowledges alerts and judges them.
    Commander,
    /// On watch: acknowledges alerts.
    Operator,
    /// Reads everything, for analysis and statistics.
    Analyst,
    /// Reads only.
    Observer,
    /// Reads, and runs exercises (`RunExercise`).
    Trainer,
    /// Manages the accounts of its agency.
    Admin,
}

/// Every role, in the order of the table above.
pub const ROLES: [Role; 6] = [
    Role::Commander,
    Role::Operator,
    Role::Analyst,
    Role::Observer,
    Role::Trainer,
    Role::Admin,
];

impl Role {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Commander => "commander",
            Role::Operator => "operator",
            Role::Analyst => "analyst",
            Role::Observer => "observer",
            Role::Trainer => "trainer",
            Role::Admin => "admin",
        }
    }

    /// The role named `s`, if any.
    pub fn parse(s: &str) -> Option<Role> {
        ROLES.into_iter().find(|r| r.name() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a request does; each route of the server names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// No credential needed (health, API description, login).
    Public,
    /// Read the joint picture: venue, live state, history, sensors, alerts, CAP messages.
    Read,
    /// Act on one's own account and session (who am I, log out, change one's password).
    OwnAccount,
    /// Acknowledge an alert.
    AcknowledgeAlert,
    /// Give an alert's verdict (true or false positive).
    JudgeAlert,
    /// Resolve an alert by hand (its rule has not cleared).
    ResolveAlert,
    /// Create, list and disable the accounts of one's agency.
    ManageUsers,
    /// Post a sensor's readings (sensor tokens only, never a user).
    PostReadings,
    /// Run the forecast with changes (close, open or hold a gate, evacuate a zone): a
    /// computation that changes nothing.
    WhatIf,
    /// Raise, edit and move incidents through their status.
    ManageIncidents,
    /// Share a restricted record of one's agency with the joint command.
    ShareRecord,
    /// Create and edit units.
    ManageUnits,
    /// Give tasks to units and move them through their states.
    TaskUnits,
    /// Make, drive and end exercises.
    RunExercise,
}

/// The actions a user may be granted (all but [`Action::Public`] and
/// [`Action::PostReadings`], which no user has), in the order of the table above.
pub const USER_ACTIONS: [Action; 12] = [
    Action::Read,
    Action::OwnAccount,
    Action::AcknowledgeAlert,
    Action::JudgeAlert,
    Action::ResolveAlert,
    Action::ManageUsers,
    Action::WhatIf,
    Action::ManageIncidents,
    Action::ShareRecord,
    Action::ManageUnits,
    Action::TaskUnits,
    Action::RunExercise,
];

impl Action {
    /// The name in the API (`GET /api/v1/me`'s `may`): `acknowledge_alert`, ….
    pub fn code(self) -> &'static str {
        match self {
            Action::Public => "public",
            Action::Read => "read",
            Action::OwnAccount => "own_account",
            Action::AcknowledgeAlert => "acknowledge_alert",
            Action::JudgeAlert => "judge_alert",
            Action::ResolveAlert => "resolve_alert",
            Action::ManageUsers => "manage_users",
            Action::WhatIf => "what_if",
            Action::PostReadings => "post_readings",
            Action::ManageIncidents => "manage_incidents",
            Action::ShareRecord => "share_record",
            Action::ManageUnits => "manage_units",
            Action::TaskUnits => "task_units",
            Action::RunExercise => "run_exercise",
        }
    }

    /// A short description for refusals ("acknowledge alerts").
    pub fn describe(self) -> &'static str {
        match self {
            Action::Public => "public access",
            Action::Read => "read the venue's picture",
            Action::OwnAccount => "manage one's own account",
            Action::AcknowledgeAlert => "acknowledge alerts",
            Action::JudgeAlert => "give alert verdicts",
            Action::ResolveAlert => "resolve alerts",
            Action::ManageUsers => "manage user accounts",
            Action::PostReadings => "post sensor readings",
            Action::WhatIf => "run what-if forecasts",
            Action::ManageIncidents => "raise or change incidents",
            Action::ShareRecord => "share records with the joint command",
            Action::ManageUnits => "create or change units",
            Action::TaskUnits => "task units",
            Action::RunExercise => "run exercises",
        }
    }
}

/// Whether a user of `role` may do `action` (the table of the module's documentation).
pub fn can(role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    match action {
        A::Public | A::Read | A::OwnAccount => true,
        A::AcknowledgeAlert => matches!(role, R::Commander | R::Operator),
        A::JudgeAlert | A::ResolveAlert => role == R::Commander,
        A::ManageUsers => role == R::Admin,
        A::PostReadings => false,
        A::WhatIf => role != R::Observer,
        A::ManageIncidents | A::ManageUnits | A::TaskUnits => {
            matches!(role, R::Commander | R::Operator)
        }
        A::ShareRecord => role == R::Commander,
        A::RunExercise => role == R::Trainer,
    }
}

/// Who is looking at an object, for [`visible`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer<'a> {
    /// The whole server (an admin token, the command line).
    Server,
    /// A user of this agency.
    Agency(&'a str),
}

/// Whether an object owned by `owner` (`None`: joint, venue-wide, like zones, readings and
/// alerts today) and shared with `shared_with` may be seen by `viewer`: a joint object by
/// everyone; an agency's object by that agency, by the agencies it is shared with, and by
/// the server. A viewer who may not see an object is answered "not found" (its existence
/// is not disclosed).
pub fn visible(owner: Option<&str>, shared_with: &[&str], viewer: Viewer<'_>) -> bool {
    match (owner, viewer) {
        (None, _) | (_, Viewer::Server) => true,
        (Some(o), Viewer::Agency(a)) => o == a || shared_with.contains(&a),
    }
}

/// Whether `viewer` sees a record (incident, unit, task) owned by agency `owner` with
/// `visibility`: the server and the owning agency always; another agency only a
/// [`Visibility::Shared`] record. This is [`visible`] with the joint command as the one
/// agency a shared record is shared with.
pub fn sees(owner: &str, visibility: Visibility, viewer: Viewer<'_>) -> bool {
    match visibility {
        Visibility::Shared => true,
        Visibility::Restricted => visible(Some(owner), &[], viewer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observers_only_read_and_manage_themselves() {
        for a in [
            Action::AcknowledgeAlert,
            Action::JudgeAlert,
            Action::ResolveAlert,
            Action::ManageUsers,
            Action::PostReadings,
            Action::WhatIf,
        ] {
            assert!(!can(Role::Observer, a), "{a:?}");
        }
        assert!(can(Role::Observer, Action::Read));
        assert!(can(Role::Observer, Action::OwnAccount));
    }

    #[test]
    fn the_table() {
        // (action, roles allowed) straight from the documented table.
        let table = [
            (
                Action::AcknowledgeAlert,
                vec![Role::Commander, Role::Operator],
            ),
            (Action::JudgeAlert, vec![Role::Commander]),
            (Action::ResolveAlert, vec![Role::Commander]),
            (Action::ManageUsers, vec![Role::Admin]),
            (Action::PostReadings, vec![]),
            (
                Action::ManageIncidents,
                vec![Role::Commander, Role::Operator],
            ),
            (Action::ManageUnits, vec![Role::Commander, Role::Operator]),
            (Action::TaskUnits, vec![Role::Commander, Role::Operator]),
            (Action::ShareRecord, vec![Role::Commander]),
            (Action::RunExercise, vec![Role::Trainer]),
            (Action::Read, ROLES.to_vec()),
            (
                Action::WhatIf,
                vec![
                    Role::Commander,
                    Role::Operator,
                    Role::Analyst,
                    Role::Trainer,
                    Role::Admin,
                ],
            ),
        ];
        for (action, allowed) in table {
            for r in ROLES {
                assert_eq!(can(r, action), allowed.contains(&r), "{r} {action:?}");
            }
        }
        for r in ROLES {
            assert_eq!(Role::parse(r.name()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn agency_scoping() {
        let fr = Viewer::Agency("fr-pn");
        let ma = Viewer::Agency("ma-dgsn");
        assert!(visible(None, &[], fr));
        assert!(visible(Some("fr-pn"), &[], fr));
        assert!(!visible(Some("fr-pn"), &[], ma));
        assert!(visible(Some("fr-pn"), &["ma-dgsn"], ma));
        assert!(!visible(Some("fr-pn"), &["es-pn"], ma));
        assert!(visible(Some("fr-pn"), &[], Viewer::Server));
        assert!(sees("fr-pn", Visibility::Restricted, fr));
        assert!(!sees("fr-pn", Visibility::Restricted, ma));
        assert!(sees("fr-pn", Visibility::Restricted, Viewer::Server));
        assert!(sees("fr-pn", Visibility::Shared, ma));
        // Every user action has its own code.
        let codes: std::collections::HashSet<_> = USER_ACTIONS.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), USER_ACTIONS.len());
    }
}
