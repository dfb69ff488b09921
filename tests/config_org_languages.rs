//! Organisation texts and training scenario notes per language (issue 13,
//! item 4) and the name of the pass (item 5): read from the config or the
//! scenario, checked, and resolved per language with the default language
//! as the fallback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use mfa_assist::config;
use mfa_assist::setup;

fn parse(text: &str) -> Result<config::Config, config::ConfigError> {
    config::parse(text, Path::new("/etc/mfa-assist/config.toml"))
}

const CONFIG: &str = r#"
[organisation]
name = "Example University"
no_pass_help = "Ask the service desk."
helpdesk = "Service desk: +46 8 123 45 67"
pass_name = "enrolment code"

[organisation.sv]
name = "Exempeluniversitetet"
helpdesk = "Servicedesk: +46 8 123 45 67"
pass_name = "startkod"

[organisation.fi]
no_pass_help = "Kysy palvelupisteestä."

[ui]
languages = ["en", "sv", "fi"]
"#;

#[test]
fn each_language_gets_its_own_texts_and_the_rest_from_the_default() {
    let config = parse(CONFIG).unwrap();
    let look = setup::look(&config);
    let sv = look.for_language("sv");
    assert_eq!(sv.org_name, "Exempeluniversitetet");
    assert_eq!(sv.helpdesk, "Servicedesk: +46 8 123 45 67");
    // Left out in Swedish: the default language's.
    assert_eq!(sv.no_pass_help, "Ask the service desk.");
    let fi = look.for_language("fi");
    assert_eq!(fi.org_name, "Example University");
    assert_eq!(fi.no_pass_help, "Kysy palvelupisteestä.");
    assert_eq!(look.for_language("en").org_name, "Example University");
    assert_eq!(look.for_language("xx").org_name, "Example University");
}

#[test]
fn the_pass_name_reaches_the_guide_per_language() {
    let config = parse(CONFIG).unwrap();
    let guide = setup::guide(&config);
    assert_eq!(guide.text("sv", "sign_in.pass_pi"), "Startkod");
    // Finnish gave none: the default language's name.
    assert_eq!(guide.text("fi", "sign_in.pass_pi"), "Enrolment code");
    assert_eq!(guide.text("en", "sign_in.pass_pi"), "Enrolment code");
    // The helpdesk says it the same way.
    assert_eq!(guide.text("en", "script.pass_code"), "enrolment code");

    let plain = setup::guide(&parse("").unwrap());
    assert_eq!(plain.text("en", "sign_in.pass_pi"), "Registration code");
    assert_eq!(plain.text("fi", "sign_in.pass_pi"), "Rekisteröintikoodi");
}

#[test]
fn bad_organisation_translations_are_refused_with_their_key() {
    for (text, key) in [
        (
            "[organisation.sv]\nhelpdesk = \"a\\nb\"\n",
            "organisation.sv.helpdesk",
        ),
        ("[organisation.fi]\nname = \" \"\n", "organisation.fi.name"),
        (
            "[organisation.sv]\npass_name = \"\"\n",
            "organisation.sv.pass_name",
        ),
        (
            "[organisation]\npass_name = \"a registration code that is far too long for a label\"\n",
            "organisation.pass_name",
        ),
        ("[organisation.sv]\nwelcome = \"x\"\n", "welcome"),
    ] {
        let e = parse(text).expect_err(text);
        assert!(
            e.to_string().contains(key),
            "{text}: the error does not name {key}: {e}"
        );
    }
    // A language we have no guide for is refused, not ignored.
    assert!(parse("[organisation.de]\nname = \"Beispiel\"\n").is_err());
}

// ---------------------------------------------------------------------------
// Training scenario notes per language
// ---------------------------------------------------------------------------

const SCENARIO: &str = r#"
[[accounts]]
username = "alex"
pass = "Tap-Alex-4821"
note = "lost phone: the common case"
note_sv = "borttappad telefon: det vanliga fallet"
"#;

#[test]
fn scenario_notes_come_in_the_persons_language_or_the_default() {
    use mfa_assist::provider::Provider;
    use mfa_assist::provider::training::TrainingTenant;
    let tenant = TrainingTenant::from_toml(SCENARIO).unwrap();
    let caps = tenant.capabilities();
    let alex = &caps.training_accounts.unwrap()[0];
    assert_eq!(alex.note_in("sv"), "borttappad telefon: det vanliga fallet");
    assert_eq!(alex.note_in("fi"), "lost phone: the common case");
    assert_eq!(alex.note_in("en"), "lost phone: the common case");
}

#[test]
fn the_built_in_scenarios_have_swedish_and_finnish_notes() {
    use mfa_assist::provider::Provider;
    use mfa_assist::provider::scenario::BUILTIN_SCENARIOS;
    use mfa_assist::provider::training::TrainingTenant;
    for (name, text) in BUILTIN_SCENARIOS {
        let caps = TrainingTenant::from_toml(text).unwrap().capabilities();
        for account in caps.training_accounts.unwrap() {
            for lang in ["sv", "fi"] {
                assert_ne!(
                    account.note_in(lang),
                    account.note,
                    "{name}: {} has no {lang} note",
                    account.username
                );
            }
        }
    }
}

#[test]
fn bad_scenario_notes_are_refused() {
    use mfa_assist::provider::training::TrainingTenant;
    for extra in [
        "note_sv = \"\"",
        "note_fi = \"two\\nlines\"",
        "note_de = \"nein\"",
    ] {
        let base = SCENARIO.replace("note_sv = \"borttappad telefon: det vanliga fallet\"\n", "");
        assert!(TrainingTenant::from_toml(&base).is_ok());
        let text = format!("{base}{extra}\n");
        let e = TrainingTenant::from_toml(&text).expect_err(extra);
        let key = extra.split(' ').next().unwrap();
        assert!(e.to_string().contains(key), "{extra}: {e}");
    }
}
