//! A Temporary Access Pass as Graph describes it
//! (`temporaryAccessPassAuthenticationMethod`): when it was made, when it
//! starts, how long it lives, whether it works once. The pass itself is not
//! here: Graph shows it only in the answer that creates it.

use super::errors::clean;
use crate::provider::calendar;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassStatus {
    pub id: String,
    pub created: Option<String>,
    pub start: Option<String>,
    pub lifetime_minutes: Option<u32>,
    pub is_usable_once: Option<bool>,
    pub is_usable: Option<bool>,
    /// `EnabledByPolicy`, `DisabledByPolicy`, `Expired`, `NotYetValid`, `OneTimeUsed`.
    pub usability_reason: Option<String>,
}

impl PassStatus {
    /// Reads the fields Graph documents; any may be missing.
    pub fn from_graph(value: &Value) -> PassStatus {
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(|s| clean(s, 80))
                .filter(|s| !s.is_empty())
        };
        PassStatus {
            id: text("id").unwrap_or_default(),
            created: text("createdDateTime"),
            start: text("startDateTime"),
            lifetime_minutes: value
                .get("lifetimeInMinutes")
                .and_then(Value::as_u64)
                .and_then(|m| u32::try_from(m).ok()),
            is_usable_once: value.get("isUsableOnce").and_then(Value::as_bool),
            is_usable: value.get("isUsable").and_then(Value::as_bool),
            usability_reason: text("methodUsabilityReason"),
        }
    }

    /// When the pass stops working, as `YYYY-MM-DDThh:mm:ssZ`: its start
    /// (or, without one, its creation: a pass without a start works at
    /// once) plus its lifetime. `None` when Graph left either out.
    pub fn expires(&self) -> Option<String> {
        let from = self.start.as_deref().or(self.created.as_deref())?;
        let from = calendar::parse_iso(from)?;
        let lifetime = i64::from(self.lifetime_minutes?) * 60;
        Some(calendar::format_iso(from + lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_example() {
        let p = PassStatus::from_graph(&json!({
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
            "id": "6f1967b7-15e8-4935-ac26-d50770ed07a7",
            "temporaryAccessPass": "+drkzqAD",
            "createdDateTime": "2022-06-02T16:21:09.765173Z",
            "startDateTime": "2022-06-05T00:00:00Z",
            "lifetimeInMinutes": 60,
            "isUsableOnce": false,
            "isUsable": false,
            "methodUsabilityReason": "NotYetValid"
        }));
        assert_eq!(p.id, "6f1967b7-15e8-4935-ac26-d50770ed07a7");
        assert_eq!(p.expires().as_deref(), Some("2022-06-05T01:00:00Z"));
        assert_eq!(p.is_usable, Some(false));
        assert_eq!(p.usability_reason.as_deref(), Some("NotYetValid"));
        assert!(!format!("{p:?}").contains("drkz"));
    }

    #[test]
    fn expiry_from_creation_or_not_at_all() {
        let p = PassStatus::from_graph(&json!({
            "id": "x", "createdDateTime": "2024-12-31T23:30:00Z", "lifetimeInMinutes": 43200
        }));
        assert_eq!(p.expires().as_deref(), Some("2025-01-30T23:30:00Z"));
        let p = PassStatus::from_graph(&json!({"id": "x", "lifetimeInMinutes": 60}));
        assert_eq!(p.expires(), None);
        let p = PassStatus::from_graph(&json!({"id": "x", "startDateTime": "soon"}));
        assert_eq!(p.expires(), None);
    }
}
