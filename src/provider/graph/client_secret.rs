//! Where the helpdesk app's client secret comes from. The loading is shared
//! with privacyIDEA's admin password and lives in
//! [`crate::provider::secret_source`]; these names stay for Graph's callers.

pub use crate::provider::secret_source::{
    SecretSource as ClientSecretSource, from_file, from_lookup,
};
