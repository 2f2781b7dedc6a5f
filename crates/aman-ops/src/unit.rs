//! A unit of either agency (a foot patrol, a mounted pair, a vehicle, a medical team, a
//! command post…): its call sign, kind, status and position; and the tasks it is given on
//! incidents ([`TaskState`]), each change of which enters the unit's activity log (the rows
//! of its ICS-214, FEMA *ICS Form 214, Activity Log*).

use serde::{Deserialize, Serialize};

use crate::record::{FieldError, Location, check_text, forward};

/// Most characters of a call sign.
pub const MAX_CALL_SIGN_CHARS: usize = 32;
/// Most characters of a unit's leader's name.
pub const MAX_LEADER_CHARS: usize = 120;
/// Most characters of a unit's or a task's note.
pub const MAX_NOTE_CHARS: usize = 2000;

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Officers on foot.
    FootPatrol,
    /// Mounted officers.
    Mounted,
    /// A vehicle and its crew.
    Vehicle,
    /// A medical team.
    Medical,
    /// Fire and rescue.
    Fire,
    /// Stewards.
    Stewards,
    /// A command post or commander.
    Command,
    /// Anything else.
    Other,
}

/// A unit's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// Free to be tasked.
    Available,
    /// Given a task, not yet moving.
    Assigned,
    /// Moving to the scene.
    EnRoute,
    /// On scene.
    OnScene,
    /// Out of service (break, fault).
    OutOfService,
}

impl UnitStatus {
    /// The stored and wire name.
    pub fn name(self) -> &'static str {
        match self {
            UnitStatus::Available => "available",
            UnitStatus::Assigned => "assigned",
            UnitStatus::EnRoute => "en_route",
            UnitStatus::OnScene => "on_scene",
            UnitStatus::OutOfService => "out_of_service",
        }
    }
}

/// A unit's content as created and edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitFields {
    /// Call sign, 1 to [`MAX_CALL_SIGN_CHARS`].
    pub call_sign: String,
    /// Kind.
    pub kind: UnitKind,
    /// Status.
    #[serde(default = "available")]
    pub status: UnitStatus,
    /// Position, if known.
    #[serde(default)]
    pub position: Option<Location>,
    /// Leader's name (ICS-214 "unit leader").
    #[serde(default)]
    pub leader: String,
    /// Resources of the unit (ICS-214 "resources assigned": names, positions), free text.
    #[serde(default)]
    pub resources: String,
}

fn available() -> UnitStatus {
    UnitStatus::Available
}

impl UnitFields {
    /// Checks the bounds.
    ///
    /// # Errors
    /// The first [`FieldError`].
    pub fn check(&self) -> Result<(), FieldError> {
        check_text(
            "call_sign",
            self.call_sign.trim(),
            1,
            MAX_CALL_SIGN_CHARS,
            false,
        )?;
        if let Some(p) = &self.position {
            p.check("position")?;
        }
        check_text("leader", &self.leader, 0, MAX_LEADER_CHARS, false)?;
        check_text("resources", &self.resources, 0, MAX_NOTE_CHARS, true)
    }
}

/// A task's state. Each change is stamped with its time (the task's `times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Given to the unit.
    Assigned,
    /// The unit has taken it.
    Accepted,
    /// Moving.
    EnRoute,
    /// Arrived.
    OnScene,
    /// Done (final).
    Done,
    /// Cancelled (final).
    Cancelled,
}

const TASK_ORDER: [TaskState; 5] = [
    TaskState::Assigned,
    TaskState::Accepted,
    TaskState::EnRoute,
    TaskState::OnScene,
    TaskState::Done,
];

impl TaskState {
    /// The stored and wire name.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Assigned => "assigned",
            TaskState::Accepted => "accepted",
            TaskState::EnRoute => "en_route",
            TaskState::OnScene => "on_scene",
            TaskState::Done => "done",
            TaskState::Cancelled => "cancelled",
        }
    }

    /// Whether it is final (done or cancelled).
    pub fn is_final(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Cancelled)
    }

    /// The unit's status that goes with the task's state (a task moving the unit moves its
    /// status too), if any.
    pub fn unit_status(self) -> Option<UnitStatus> {
        match self {
            TaskState::Assigned | TaskState::Accepted => Some(UnitStatus::Assigned),
            TaskState::EnRoute => Some(UnitStatus::EnRoute),
            TaskState::OnScene => Some(UnitStatus::OnScene),
            TaskState::Done | TaskState::Cancelled => Some(UnitStatus::Available),
        }
    }
}

/// Whether a task may go from `from` to `to`: forward along assigned → accepted → en route
/// → on scene → done (steps may be skipped: a unit reporting on scene directly), or to
/// cancelled from any state that is not final; never out of done or cancelled.
pub fn task_transition_allowed(from: TaskState, to: TaskState) -> bool {
    if from.is_final() {
        return false;
    }
    to == TaskState::Cancelled || forward(&TASK_ORDER, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lifecycle() {
        use TaskState::*;
        assert!(task_transition_allowed(Assigned, Accepted));
        assert!(task_transition_allowed(Assigned, OnScene));
        assert!(task_transition_allowed(EnRoute, Cancelled));
        assert!(!task_transition_allowed(OnScene, Accepted));
        assert!(!task_transition_allowed(Done, Cancelled));
        assert!(!task_transition_allowed(Cancelled, Assigned));
        assert!(!task_transition_allowed(Accepted, Accepted));
        assert_eq!(Done.unit_status(), Some(UnitStatus::Available));
    }

    #[test]
    fn unit_fields() {
        let u: UnitFields =
            serde_json::from_str(r#"{"call_sign": "Alpha 1", "kind": "foot_patrol"}"#).unwrap();
        assert_eq!(u.status, UnitStatus::Available);
        assert!(u.check().is_ok());
        let mut v = u.clone();
        v.call_sign = "x".repeat(MAX_CALL_SIGN_CHARS + 1);
        assert_eq!(v.check().unwrap_err().field, "call_sign");
        assert!(
            serde_json::from_str::<UnitFields>(r#"{"call_sign": "A", "kind": "tank"}"#).is_err()
        );
    }
}
