//! The training tenant confirms each new method its own way: a code for the
//! code app, an approved notification for the push app. Asking the other
//! way is refused with a sentence that says which way it is.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{MethodKind, Provider, ProviderError};
use mfa_assist::secret::Secret;
use std::time::Duration;

const ALEX: &str = "Tap-Alex-4821";

fn refusal(answer: Result<impl std::fmt::Debug, ProviderError>) -> String {
    match answer {
        Err(ProviderError::NotAllowed(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn each_enrollment_is_confirmed_only_its_own_way() {
    let t = TrainingTenant::default_scenario().with_delay(Duration::ZERO);
    let s = t.sign_in("alex", &Secret::new(ALEX)).await.unwrap();
    let code = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let push = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();

    assert_eq!(
        refusal(t.request_approval(&s, &code.id).await),
        "this method is confirmed with a code from the app"
    );
    assert_eq!(
        refusal(t.poll_approval(&s, &code.id).await),
        "this method is confirmed with a code from the app"
    );
    assert_eq!(
        refusal(t.check_code(&s, &push.id, "123456").await),
        "this method is confirmed by approving a notification"
    );
    // The refusals changed nothing: each is still there to confirm its way.
    assert_eq!(t.check_code(&s, &code.id, "000000").await, Ok(false));
    assert!(t.request_approval(&s, &push.id).await.unwrap().is_some());
}
