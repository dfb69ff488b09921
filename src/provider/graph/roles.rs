//! Whether a caller holds a Microsoft Entra directory role, so the desk
//! can refuse to wipe an administrator's MFA or issue them a pass after a
//! phone call: app-only `UserAuthenticationMethod.ReadWrite.All` is not
//! held to Entra's role rules (Authentication Administrator vs Privileged
//! Authentication Administrator), so the desk enforces its own.
//!
//! The call, from Microsoft's documentation (microsoft-graph-docs-contrib,
//! `api-reference/v1.0/api/user-list-transitivememberof.md`):
//! `GET /users/{id}/transitiveMemberOf` lists the groups, directory roles
//! and administrative units a user is a member of, directly or through
//! groups (a role given to a role-assignable group counts). Least
//! privileged application permission: `User.Read.All`, which the desk
//! already holds to look callers up. Objects of a type the app may not
//! read come back "with limited information": only `@odata.type` and `id`
//! (`concepts/permissions-overview.md`, "Limited information returned for
//! inaccessible member objects"), so a role is still seen as a role; its
//! name needs `RoleManagement.Read.Directory` as well.
//!
//! The OData cast `/microsoft.graph.directoryRole` would need the
//! `ConsistencyLevel: eventual` header and `$count`, so the whole list is
//! read (`$top=999`, the documented maximum page) and filtered here.
//! Not seen: roles a user is only *eligible* for through Privileged
//! Identity Management, until they activate one.

use super::admin::{GraphAdmin, user_ref};
use super::errors::{Op, clean};
use crate::provider::ProviderError;
use crate::provider::admin::Privilege;
use serde_json::Value;

const DIRECTORY_ROLE: &str = "#microsoft.graph.directoryRole";

impl GraphAdmin {
    /// The directory roles `user_id` holds, by name ("a directory role"
    /// when the app may not read the name).
    pub async fn directory_roles(&self, user_id: &str) -> Result<Vec<String>, ProviderError> {
        let mut url = self.graph_url(&["users", user_ref(user_id)?, "transitiveMemberOf"]);
        url.set_query(Some("$select=id,displayName&$top=999"));
        let objects = self.get_all(&url, Op::LookupUser).await?;
        Ok(role_names(&objects))
    }

    /// The caller's standing for the desk: any role, or a failed look,
    /// counts as privileged.
    pub async fn privilege(&self, user_id: &str) -> Privilege {
        match self.directory_roles(user_id).await {
            Ok(roles) if roles.is_empty() => Privilege::Ordinary,
            Ok(roles) => Privilege::Privileged(roles),
            Err(e) => Privilege::CheckFailed(format!(
                "Microsoft Graph did not list the caller's directory roles ({e})"
            )),
        }
    }
}

fn role_names(objects: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = objects
        .iter()
        .filter(|o| o.get("@odata.type").and_then(Value::as_str) == Some(DIRECTORY_ROLE))
        .map(|o| {
            o.get("displayName")
                .and_then(Value::as_str)
                .map(|n| clean(n, 120))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "a directory role".to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_directory_roles_count_and_a_nameless_role_still_counts() {
        let objects = [
            json!({"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "Staff"}),
            json!({"@odata.type": "#microsoft.graph.directoryRole", "id": "r1",
                   "displayName": "Global Administrator"}),
            json!({"@odata.type": "#microsoft.graph.directoryRole", "id": "r2",
                   "displayName": null}),
            json!({"@odata.type": "#microsoft.graph.administrativeUnit", "id": "a1"}),
        ];
        assert_eq!(
            role_names(&objects),
            vec![
                "Global Administrator".to_string(),
                "a directory role".to_string()
            ]
        );
        assert!(role_names(&objects[..1]).is_empty());
    }
}
