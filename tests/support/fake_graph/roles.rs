//! `GET /users/{id}/transitiveMemberOf`: the groups, directory roles and
//! administrative units a user belongs to, directly or through groups, as
//! microsoft-graph-docs-contrib documents it
//! (`api-reference/v1.0/api/user-list-transitivememberof.md`): a
//! `directoryObject` collection whose items carry `@odata.type`. An app
//! that may not read a type (directory roles without
//! `RoleManagement.Read.Directory`) gets its objects "with limited
//! information": `@odata.type` and `id`, other properties `null`
//! (`concepts/permissions-overview.md`). Kept in its own file and its own
//! table, keyed by the server's address, so the rest of the fake is
//! untouched.

use super::state::State;
use super::{FakeGraph, reply};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

#[derive(Default)]
struct Directory {
    /// Per user id: (role template id, display name).
    roles: HashMap<String, Vec<(String, String)>>,
    /// The app lacks the permission to read directory roles' properties.
    names_hidden: bool,
}

static DIRECTORIES: LazyLock<Mutex<HashMap<String, Directory>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn with<T>(base: &str, f: impl FnOnce(&mut Directory) -> T) -> T {
    let mut all = DIRECTORIES.lock().unwrap_or_else(|e| e.into_inner());
    f(all.entry(base.to_string()).or_default())
}

impl FakeGraph {
    /// `upn` holds the directory role `name` (e.g. "Global Administrator").
    pub fn give_role(&self, upn: &str, name: &str) {
        let (base, id) = {
            let s = self.state();
            let id = s.user(upn).expect("no such user").id.clone();
            (s.base.clone(), id)
        };
        let role_id = format!("role-{}", name.to_ascii_lowercase().replace(' ', "-"));
        with(&base, |d| {
            d.roles
                .entry(id)
                .or_default()
                .push((role_id, name.to_string()))
        });
    }

    /// Answer role objects with limited information (no display name), as
    /// Graph does for an app without `RoleManagement.Read.Directory`.
    pub fn hide_role_names(&self) {
        let base = self.state().base.clone();
        with(&base, |d| d.names_hidden = true);
    }
}

/// The user's memberships: a group everyone is in, then their roles.
pub fn transitive_member_of(s: &mut State, user_id: &str) -> Response {
    let (roles, hidden) = with(&s.base, |d| {
        (
            d.roles.get(user_id).cloned().unwrap_or_default(),
            d.names_hidden,
        )
    });
    let mut value = vec![json!({
        "@odata.type": "#microsoft.graph.group",
        "id": "0e1f3a6c-1111-4c2b-9d3e-aaaaaaaaaaaa",
        "displayName": "All staff",
        "securityEnabled": true
    })];
    for (id, name) in roles {
        let name = if hidden { Value::Null } else { json!(name) };
        value.push(json!({
            "@odata.type": "#microsoft.graph.directoryRole",
            "id": id,
            "displayName": name,
        }));
    }
    reply::json(
        s,
        200,
        &json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
            "value": value
        }),
    )
}
