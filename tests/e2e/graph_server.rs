//! The fake Graph (tests/support/fake_graph) served on 127.0.0.1 by a
//! runtime of the test process while the test thread drives tmux, and the
//! app's config for it. Shared by the e2e files that run the kiosk as Entra.

use super::fake_graph;
use super::tmux::DONE_COUNTDOWN_SECS;

/// The fake Graph on 127.0.0.1, served by a runtime of this process.
pub struct GraphServer {
    pub fake: fake_graph::FakeGraph,
    _runtime: tokio::runtime::Runtime,
}

impl GraphServer {
    pub fn start() -> GraphServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let fake = runtime.block_on(fake_graph::FakeGraph::start());
        GraphServer {
            fake,
            _runtime: runtime,
        }
    }

    pub fn config(&self) -> String {
        format!(
            "[provider]\nkind = \"entra\"\n\n[entra]\ntenant = \"{}\"\nclient_id = \"{}\"\n\
             authority_base = \"{}\"\ngraph_base = \"{}\"\nregistration_timeout_secs = 120\n\n\
             [kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n",
            fake_graph::TENANT,
            fake_graph::CLIENT_ID,
            self.fake.authority_base(),
            self.fake.graph_base()
        )
    }
}

/// The code the device-code screen tells the person to type on their phone.
pub fn user_code_on(screen: &str) -> Option<String> {
    screen
        .lines()
        .find_map(|l| l.split_once("Your code:"))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(str::to_string)
}
