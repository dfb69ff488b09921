//! Organisation texts per language (issue 13, item 4) and the name of the
//! pass (item 5): read from the config, checked, and resolved per language
//! with the default language as the fallback.
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
