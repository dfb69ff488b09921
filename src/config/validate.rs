//! Values a file can hold but the app cannot use, refused with the key.

use super::*;

impl Config {
    /// Check the values a file can hold but the app cannot use.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let org = &self.organisation;
        if org.name.trim().is_empty() {
            return Err(
                ConfigError::invalid("organisation.name", "`organisation.name` is empty")
                    .with_hint("it is shown in the title bar; e.g. name = \"Example University\""),
            );
        }
        check_text("organisation.name", &org.name, false)?;
        check_text("organisation.no_pass_help", &org.no_pass_help, true)?;
        check_text("organisation.helpdesk", &org.helpdesk, false)?;
        check_pass_name("organisation.pass_name", &org.pass_name)?;
        for (lang, texts) in [("en", &org.en), ("sv", &org.sv), ("fi", &org.fi)] {
            let Some(texts) = texts else { continue };
            if let Some(name) = &texts.name {
                let key = format!("organisation.{lang}.name");
                if name.trim().is_empty() {
                    return Err(ConfigError::invalid(&key, format!("`{key}` is empty"))
                        .with_hint("leave it out to use `organisation.name`"));
                }
                check_text(&key, name, false)?;
            }
            if let Some(text) = &texts.no_pass_help {
                check_text(&format!("organisation.{lang}.no_pass_help"), text, true)?;
            }
            if let Some(text) = &texts.helpdesk {
                check_text(&format!("organisation.{lang}.helpdesk"), text, false)?;
            }
            if let Some(name) = &texts.pass_name {
                let key = format!("organisation.{lang}.pass_name");
                if name.trim().is_empty() {
                    return Err(ConfigError::invalid(&key, format!("`{key}` is empty"))
                        .with_hint("leave it out to use `organisation.pass_name`"));
                }
                check_pass_name(&key, name)?;
            }
        }

        if let Some(scenario) = &self.provider.scenario
            && scenario.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "provider.scenario",
                "`provider.scenario` is an empty path",
            )
            .with_hint("leave the key out to use the built-in scenario"));
        }

        self.entra.refuse_written_secret()?;
        match self.provider.kind {
            ProviderKind::Privacyidea => self.privacyidea.validate()?,
            ProviderKind::Entra => self.entra.validate()?,
            ProviderKind::Training => {}
        }

        if let Some(delay) = self.training.delay_ms
            && delay > MAX_TRAINING_DELAY_MS
        {
            return Err(ConfigError::invalid(
                "training.delay_ms",
                format!("`training.delay_ms` is {delay}, more than {MAX_TRAINING_DELAY_MS}"),
            )
            .with_hint("a few hundred milliseconds is enough to show the spinners"));
        }

        let ui = &self.ui;
        let supported = SUPPORTED_LANGUAGES.join(", ");
        if ui.languages.is_empty() {
            return Err(
                ConfigError::invalid("ui.languages", "`ui.languages` is empty")
                    .with_hint(format!("list at least one of: {supported}")),
            );
        }
        for (i, lang) in ui.languages.iter().enumerate() {
            if !SUPPORTED_LANGUAGES.contains(&lang.as_str()) {
                return Err(ConfigError::invalid(
                    "ui.languages",
                    format!(
                        "`ui.languages` lists {}, which is not a supported language",
                        quoted(lang)
                    ),
                )
                .with_hint(format!("supported: {supported}")));
            }
            if ui
                .languages
                .get(..i)
                .is_some_and(|seen| seen.contains(lang))
            {
                return Err(ConfigError::invalid(
                    "ui.languages",
                    format!("`ui.languages` lists {} twice", quoted(lang)),
                ));
            }
        }
        if !ui.languages.contains(&ui.language) {
            let hint = if SUPPORTED_LANGUAGES.contains(&ui.language.as_str()) {
                format!(
                    "add it to `ui.languages` or pick one of: {}",
                    ui.languages.join(", ")
                )
            } else {
                format!("pick one of: {}", ui.languages.join(", "))
            };
            return Err(ConfigError::invalid(
                "ui.language",
                format!(
                    "`ui.language` is {}, which is not in `ui.languages`",
                    quoted(&ui.language)
                ),
            )
            .with_hint(hint));
        }

        let kiosk = &self.kiosk;
        let idle = kiosk.idle_timeout_secs;
        if idle != 0 && !(MIN_IDLE_TIMEOUT_SECS..=MAX_IDLE_TIMEOUT_SECS).contains(&idle) {
            return Err(ConfigError::invalid(
                "kiosk.idle_timeout_secs",
                format!("`kiosk.idle_timeout_secs` is {idle}"),
            )
            .with_hint(format!(
                "use 0 for never, or {MIN_IDLE_TIMEOUT_SECS} to {MAX_IDLE_TIMEOUT_SECS} seconds"
            )));
        }
        check_secs(
            "kiosk.done_countdown_secs",
            kiosk.done_countdown_secs,
            DONE_COUNTDOWN_SECS,
        )?;
        self.log.validate()?;
        self.audit.validate(&self.helpdesk.audit_log)?;
        self.helpdesk.validate()
    }
}

/// A number of seconds inside its allowed range.
pub(super) fn check_secs(
    key: &str,
    secs: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<(), ConfigError> {
    if range.contains(&secs) {
        return Ok(());
    }
    Err(
        ConfigError::invalid(key, format!("`{key}` is {secs}")).with_hint(format!(
            "use {} to {} seconds",
            range.start(),
            range.end()
        )),
    )
}

/// A name for the pass: one short line, shown as a label and mid-sentence.
pub(super) fn check_pass_name(key: &str, name: &str) -> Result<(), ConfigError> {
    check_text(key, name, false)?;
    let chars = name.trim().chars().count();
    if chars > MAX_PASS_NAME_CHARS {
        return Err(ConfigError::invalid(
            key,
            format!("`{key}` is {chars} characters long, more than {MAX_PASS_NAME_CHARS}"),
        )
        .with_hint(
            "it is a field label; use the short name people know, e.g. \"registration code\"",
        ));
    }
    Ok(())
}

/// Organisation texts are drawn on the terminal: no control characters
/// (they could move the cursor or change colours), no tabs (their width
/// is unknown), and newlines only where several lines are expected.
pub(super) fn check_text(key: &str, text: &str, multi_line: bool) -> Result<(), ConfigError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ConfigError::invalid(
            key,
            format!("`{key}` is {chars} characters long, more than {MAX_TEXT_CHARS}"),
        )
        .with_hint("it has to fit on the screen; shorten it"));
    }
    for (i, c) in text.chars().enumerate() {
        if c == '\n' && !multi_line {
            return Err(
                ConfigError::invalid(key, format!("`{key}` has more than one line"))
                    .with_hint("it is shown on a single line"),
            );
        }
        if (c.is_control() && c != '\n') || is_invisible_format(c) {
            let hint = if c == '\t' {
                "use spaces instead of tabs".to_string()
            } else {
                "use plain text only".to_string()
            };
            return Err(ConfigError::invalid(
                key,
                format!(
                    "`{key}` has {} (U+{:04X}) as character {}",
                    if c.is_control() {
                        "a control character"
                    } else {
                        "an invisible formatting character"
                    },
                    u32::from(c),
                    i + 1
                ),
            )
            .with_hint(hint));
        }
    }
    Ok(())
}
