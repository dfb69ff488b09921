//! Builds the running app's parts from the configuration.

use crate::app::Look;
use crate::config::{AddKindConfig, Config, EntraConfig, ProviderKind, QrStyleConfig};
use crate::flow::Settings;
use crate::helpdesk::DeskSettings;
use crate::provider::admin::Admin;
use crate::provider::attempts::AttemptLimit;
use crate::provider::graph::{ConnectError, GraphAdmin, GraphDesk, GraphProvider, GraphSettings};
use crate::provider::http::HttpConfig;
use crate::provider::privacyidea::{PiAdmin, PiSettings, PrivacyIdea};
use crate::provider::sanitize::Sanitized;
use crate::provider::sanitize_admin::SanitizedAdmin;
use crate::provider::secret_source::SecretSource;
use crate::provider::training::TrainingTenant;
use crate::provider::{MethodKind, Provider, ProviderError, Wait};
use crate::ui::Branding;
use crate::ui::qr::QrStyle;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The provider the config names; a training scenario from `--scenario`
/// beats the one in the config file.
/// Every provider's text goes through the one sanitiser on its way in, and
/// every sign-in through the kiosk's own attempt limit on its way out.
pub fn provider(config: &Config, scenario: Option<&Path>) -> Result<Arc<dyn Provider>, String> {
    let inner: Box<dyn Provider> = match config.provider.kind {
        ProviderKind::Training => Box::new(training_tenant(config, scenario)?),
        ProviderKind::Privacyidea => Box::new(PrivacyIdea::new(pi_settings(config))?),
        ProviderKind::Entra => Box::new(GraphProvider::new(graph_settings(&config.entra))?),
    };
    Ok(Arc::new(Sanitized(Box::new(AttemptLimit::new(inner)))))
}

pub fn graph_settings(entra: &EntraConfig) -> GraphSettings {
    let mut settings = GraphSettings::new(entra.tenant.trim(), entra.client_id.trim());
    settings.authority_base = entra.authority_base.clone();
    settings.graph_base = entra.graph_base.clone();
    settings.timeout = Duration::from_secs(entra.request_timeout_secs);
    settings.registration_wait.timeout = Duration::from_secs(entra.registration_timeout_secs);
    settings
}

fn pi_settings(config: &Config) -> PiSettings {
    let pi = &config.privacyidea;
    PiSettings {
        base_url: pi.base_url.clone(),
        realm: pi.realm.clone(),
        http: HttpConfig {
            timeout: Duration::from_secs(pi.request_timeout_secs),
            ca_bundle: pi.ca_bundle.clone(),
            ..HttpConfig::default()
        },
        add_kinds: pi.methods.iter().map(|m| add_kind(*m)).collect(),
        registration_wait: Wait {
            timeout: Duration::from_secs(pi.registration_timeout_secs),
            ..PiSettings::default().registration_wait
        },
        approval_wait: Wait {
            timeout: Duration::from_secs(pi.approval_timeout_secs),
            ..PiSettings::default().approval_wait
        },
        ..PiSettings::default()
    }
}

/// The helpdesk's privacyIDEA administrator, signed in. The password comes
/// from the environment or a private file, never the command line.
async fn pi_admin(config: &Config) -> Result<PiAdmin, String> {
    let pi = &config.privacyidea;
    if pi.admin_user.trim().is_empty() {
        return Err(
            "helpdesk mode on privacyIDEA needs an administrator: set `admin_user` \
                    in [privacyidea] of the config file"
                .into(),
        );
    }
    let source = match &pi.admin_password_file {
        Some(file) => SecretSource::File(file.clone()),
        None => SecretSource::Env(pi.admin_password_env.clone()),
    };
    let password = source
        .load()
        .map_err(|e| format!("the privacyIDEA administrator's password: {e}"))?;
    PiAdmin::connect(pi_settings(config), &pi.admin_user, password)
        .await
        .map(|admin| admin.with_admin_realms(&pi.admin_realms))
        .map_err(|e| e.to_string())
}

/// The training tenant; a scenario from `--scenario` beats the config's.
fn training_tenant(config: &Config, scenario: Option<&Path>) -> Result<TrainingTenant, String> {
    let path = scenario.or(config.provider.scenario.as_deref());
    let mut tenant = match path {
        Some(path) => TrainingTenant::from_path(path)
            .map_err(|e| format!("training scenario {}: {e}", path.display()))?,
        None => TrainingTenant::default_scenario(),
    };
    if let Some(delay) = config.training.delay() {
        tenant = tenant.with_delay(delay);
    }
    Ok(tenant)
}

fn add_kind(kind: AddKindConfig) -> MethodKind {
    match kind {
        AddKindConfig::Push => MethodKind::AuthenticatorPush,
        AddKindConfig::Code => MethodKind::AuthenticatorCode,
    }
}

pub fn settings(config: &Config, provider: &dyn Provider) -> Settings {
    Settings {
        languages: config.ui.languages.clone(),
        kiosk: config.kiosk.enabled,
        idle_timeout_ms: config.kiosk.idle_timeout_secs.saturating_mul(1000),
        done_countdown_ms: config.kiosk.done_countdown_secs.saturating_mul(1000),
        capabilities: provider.capabilities(),
    }
}

/// Index of the configured start language in the cycle.
pub fn start_language(config: &Config) -> usize {
    config
        .ui
        .languages
        .iter()
        .position(|l| *l == config.ui.language)
        .unwrap_or(0)
}

/// The screens' theme from `[ui] theme`; set once at start (`theme::set`).
pub fn theme(config: &Config) -> crate::ui::theme::Theme {
    match config.ui.theme {
        crate::config::ThemeConfig::Default => crate::ui::theme::Theme::Default,
        crate::config::ThemeConfig::HighContrast => crate::ui::theme::Theme::HighContrast,
        crate::config::ThemeConfig::Light => crate::ui::theme::Theme::Light,
    }
}

pub fn look(config: &Config) -> Look {
    let org = &config.organisation;
    let translated = crate::config::SUPPORTED_LANGUAGES
        .iter()
        .map(|lang| {
            let texts = org.for_language(lang);
            let branding = Branding {
                org_name: texts.name.unwrap_or_default(),
                no_pass_help: texts.no_pass_help.unwrap_or_default(),
                helpdesk: texts.helpdesk.unwrap_or_default(),
            };
            (lang.to_string(), branding)
        })
        .collect();
    Look {
        branding: Branding {
            org_name: org.name.clone(),
            no_pass_help: org.no_pass_help.clone(),
            helpdesk: org.helpdesk.clone(),
        },
        translated,
        qr_style: match config.ui.qr_style {
            QrStyleConfig::HalfBlock => QrStyle::HalfBlock,
            QrStyleConfig::WideSpaces => QrStyle::WideSpaces,
        },
        qr_invert: config.ui.qr_invert,
    }
}

/// The guide, with the organisation's name for the pass in each language.
pub fn guide(config: &Config) -> crate::guide::Guide {
    let names: Vec<(String, String)> = crate::config::SUPPORTED_LANGUAGES
        .iter()
        .filter_map(|lang| {
            let name = config.organisation.for_language(lang).pass_name?;
            Some((lang.to_string(), name))
        })
        .collect();
    crate::guide::Guide::built_in().with_pass_names(&names)
}

/// The agent's access for helpdesk mode, from the same `[provider]` choice
/// as the kiosk. Async: real providers sign in as the admin or app first,
/// so a wrong credential shows at start-up rather than mid-call.
pub async fn admin(config: &Config, scenario: Option<&Path>) -> Result<Arc<dyn Admin>, String> {
    match config.provider.kind {
        ProviderKind::Training => Ok(Arc::new(SanitizedAdmin(Box::new(training_tenant(
            config, scenario,
        )?)))),
        ProviderKind::Privacyidea => {
            Ok(Arc::new(SanitizedAdmin(Box::new(pi_admin(config).await?))))
        }
        ProviderKind::Entra => Ok(Arc::new(SanitizedAdmin(Box::new(
            graph_desk(&config.entra).await?,
        )))),
    }
}

/// Where helpdesk mode keeps its records.
pub struct DeskPaths {
    pub audit_log: PathBuf,
    pub case_dir: PathBuf,
}

/// The configured paths, else the OS data directory
/// (`~/.local/share/mfa-assist` on Linux).
pub fn desk_paths(config: &Config) -> Result<DeskPaths, String> {
    let hd = &config.helpdesk;
    let data = || {
        directories::ProjectDirs::from("", "", "mfa-assist")
            .map(|d| d.data_dir().to_path_buf())
            .ok_or_else(|| {
                "no data directory for the audit log: set helpdesk.audit_log and helpdesk.case_dir"
                    .to_string()
            })
    };
    let audit_log = match config.audit.file.as_ref().or(hd.audit_log.as_ref()) {
        Some(p) => p.clone(),
        None => data()?.join("audit.jsonl"),
    };
    let case_dir = match &hd.case_dir {
        Some(p) => p.clone(),
        None => data()?.join("cases"),
    };
    Ok(DeskPaths {
        audit_log,
        case_dir,
    })
}

/// Where the audit trail goes. Unless `[audit] sink` says: the desk keeps
/// its file; a kiosk writes to journald when systemd runs it
/// (`under_systemd`), and keeps none otherwise (its user may have no home
/// to write to); a person's own run keeps none.
pub fn audit_plan(
    config: &Config,
    helpdesk: bool,
    under_systemd: bool,
) -> Result<crate::audit::Plan, String> {
    use crate::config::AuditSink;
    let sinks = match &config.audit.sink {
        Some(sinks) => sinks.clone(),
        None if helpdesk => vec![AuditSink::File],
        None if config.kiosk.enabled && under_systemd => vec![AuditSink::Journald],
        None => Vec::new(),
    };
    let audit = &config.audit;
    let mut plan = crate::audit::Plan::default();
    for sink in sinks {
        match sink {
            AuditSink::File => plan.file = Some(desk_paths(config)?.audit_log),
            AuditSink::Journald => {
                plan.journald = Some(
                    audit
                        .journal_socket
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(crate::journal::JOURNALD_SOCKET)),
                );
            }
            AuditSink::Syslog => {
                plan.syslog = Some(
                    audit
                        .syslog_socket
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(crate::journal::SYSLOG_SOCKET)),
                );
            }
        }
    }
    Ok(plan)
}

/// The agent's name: the config's, else the login name.
pub fn agent_name(config: &Config) -> String {
    let configured = config.helpdesk.agent.trim();
    if !configured.is_empty() {
        return configured.to_string();
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .map(|u| {
            u.chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        })
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "agent".into())
}

/// Which system the changes are made in, for the case summary.
pub fn provider_name(config: &Config) -> String {
    match config.provider.kind {
        ProviderKind::Training => "training tenant (practice only)".into(),
        ProviderKind::Privacyidea => format!("privacyIDEA {}", config.privacyidea.base_url.trim()),
        ProviderKind::Entra => format!("Entra ID tenant {}", config.entra.tenant.trim()),
    }
}

pub fn desk_settings(config: &Config, admin: &dyn Admin) -> DeskSettings {
    let hd = &config.helpdesk;
    DeskSettings {
        languages: config.ui.languages.clone(),
        checks: hd.checks.iter().map(|c| c.trim().to_string()).collect(),
        required_checks: hd.required_checks,
        escalation: hd.escalation.clone(),
        capabilities: admin.capabilities(),
        provider_name: provider_name(config),
        agent: agent_name(config),
        allow_privileged: hd.allow_privileged,
        ..DeskSettings::default()
    }
}

/// Where helpdesk mode reads the Entra app's client secret: the file when
/// one is named, else the environment variable.
pub fn client_secret_source(entra: &EntraConfig) -> SecretSource {
    match &entra.client_secret_file {
        Some(path) => SecretSource::File(path.clone()),
        None => SecretSource::Env(entra.client_secret_env.clone()),
    }
}

/// Signs in as the helpdesk app. Every failure is one line that says what
/// to fix and where.
async fn graph_desk(entra: &EntraConfig) -> Result<GraphDesk, String> {
    let source = client_secret_source(entra);
    let secret = source
        .load()
        .map_err(|why| format!("Entra ID helpdesk: {why} (the app's client secret)"))?;
    let admin = GraphAdmin::connect(graph_settings(entra), secret)
        .await
        .map_err(|e| connect_failure(&e, &source, entra))?;
    Ok(GraphDesk::new(admin))
}

fn connect_failure(e: &ConnectError, source: &SecretSource, entra: &EntraConfig) -> String {
    let secret_from = match source {
        SecretSource::Env(name) => format!("the environment variable {name}"),
        SecretSource::File(path) => format!("the file {}", path.display()),
    };
    let fix = match e {
        ConnectError::Config(_) => "check [entra] in the config file".to_string(),
        ConnectError::Provider(ProviderError::NotAllowed(why)) if why.contains("client secret") => {
            format!(
                "put a current client secret of app {} in {secret_from}",
                entra.client_id.trim()
            )
        }
        ConnectError::Provider(ProviderError::NotAllowed(_)) => format!(
            "check entra.tenant and entra.client_id, and that app {} has its application \
             permissions with admin consent (see the README)",
            entra.client_id.trim()
        ),
        ConnectError::Provider(
            ProviderError::Unreachable | ProviderError::ServerDown | ProviderError::Timeout,
        ) => format!(
            "check the network, a proxy, and entra.authority_base ({})",
            entra.authority_base
        ),
        ConnectError::Provider(_) => "try again; if it persists, give the reference to \
                                      whoever runs the Entra tenant"
            .to_string(),
    };
    one_line(&format!("Entra ID helpdesk: {e}; {fix}"))
}

/// Messages go to a terminal's single error line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
