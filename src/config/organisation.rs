//! `[organisation]`: the organisation's own words, per language.

use super::*;

/// The organisation's own words, shown to the person.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Organisation {
    /// Shown in the title bar.
    pub name: String,
    /// Multi-line text on Welcome: how to get a Temporary Access Pass
    /// without one.
    pub no_pass_help: String,
    /// One line on every screen: how to reach the helpdesk.
    pub helpdesk: String,
    /// The organisation's name for privacyIDEA's registration code, as the
    /// kiosk and the helpdesk say it; empty: the guide's own word.
    pub pass_name: String,
    /// The texts above in other languages, each falling back to the text
    /// above (written in the default language) when left out.
    pub en: Option<OrgTexts>,
    pub sv: Option<OrgTexts>,
    pub fi: Option<OrgTexts>,
}

/// One language's organisation texts (`[organisation.sv]`): any left out
/// come from `[organisation]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgTexts {
    pub name: Option<String>,
    pub no_pass_help: Option<String>,
    pub helpdesk: Option<String>,
    pub pass_name: Option<String>,
}

/// Longest name for the pass, in characters: it is a field label.
pub const MAX_PASS_NAME_CHARS: usize = 40;

impl Organisation {
    /// The texts for `lang`: its own where given, else the default ones.
    pub fn for_language(&self, lang: &str) -> OrgTexts {
        let own = self.translation(lang).cloned().unwrap_or_default();
        OrgTexts {
            name: own.name.or_else(|| Some(self.name.clone())),
            no_pass_help: own.no_pass_help.or_else(|| Some(self.no_pass_help.clone())),
            helpdesk: own.helpdesk.or_else(|| Some(self.helpdesk.clone())),
            pass_name: own
                .pass_name
                .or_else(|| Some(self.pass_name.clone()))
                .filter(|n| !n.trim().is_empty()),
        }
    }

    fn translation(&self, lang: &str) -> Option<&OrgTexts> {
        match lang {
            "en" => self.en.as_ref(),
            "sv" => self.sv.as_ref(),
            "fi" => self.fi.as_ref(),
            _ => None,
        }
    }

    pub(super) fn translations_mut(&mut self) -> impl Iterator<Item = &mut OrgTexts> {
        [&mut self.en, &mut self.sv, &mut self.fi]
            .into_iter()
            .flatten()
    }
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            name: "Example University".into(),
            no_pass_help: "  • order one at the ID portal, id.example.edu (sign in with your eID), or\n\
                           \x20 • ask the service desk: call +46 8 123 45 67 or visit the desk in the\n\
                           \x20   library with photo ID."
                .into(),
            helpdesk: "Service desk: +46 8 123 45 67, desk in the library".into(),
            pass_name: String::new(),
            en: None,
            sv: None,
            fi: None,
        }
    }
}
