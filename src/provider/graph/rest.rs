//! Calls to the Graph REST API with a bearer token: reads (retried, paged),
//! deletes and creates (sent once), every failure through `errors`.

use super::errors::{Caller, GraphError, Op};
use super::settings::join;
use crate::provider::ProviderError;
use crate::provider::http::{self, MAX_BODY, RetryPolicy};
use crate::secret::Secret;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH};
use reqwest::{Client, Response, Url};
use serde_json::Value;

/// A list longer than this many pages is not an authentication-method list.
const MAX_PAGES: usize = 50;

pub(crate) struct Graph {
    pub client: Client,
    pub base: Url,
    pub retry: RetryPolicy,
    pub caller: Caller,
}

impl Graph {
    pub fn url(&self, segments: &[&str]) -> Url {
        join(&self.base, segments)
    }

    async fn fail(&self, response: Response, op: Op) -> ProviderError {
        let status = response.status();
        let headers = response.headers().clone();
        let body = http::read_body(response, 64 * 1024)
            .await
            .unwrap_or_default();
        GraphError::parse(status, &headers, &body).to_provider_error(&headers, op, self.caller)
    }

    /// GET one JSON document.
    pub async fn get(&self, token: &Secret, url: &Url, op: Op) -> Result<Value, ProviderError> {
        let auth = http::bearer(token)?;
        let response = http::send_idempotent(&self.retry, || {
            self.client
                .get(url.clone())
                .header(AUTHORIZATION, auth.clone())
                .header(ACCEPT, "application/json")
        })
        .await?;
        if !response.status().is_success() {
            return Err(self.fail(response, op).await);
        }
        let body = http::read_body(response, MAX_BODY).await?;
        serde_json::from_slice(&body).map_err(|_| {
            ProviderError::Protocol("Microsoft Graph sent a document we could not read".into())
        })
    }

    /// GET a collection, following `@odata.nextLink` to the end.
    pub async fn get_all(
        &self,
        token: &Secret,
        url: &Url,
        op: Op,
    ) -> Result<Vec<Value>, ProviderError> {
        let mut items = Vec::new();
        let mut next = Some(url.clone());
        let mut pages = 0;
        while let Some(page_url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ProviderError::Protocol(
                    "Microsoft Graph sent too many pages".into(),
                ));
            }
            let mut page = self.get(token, &page_url, op).await?;
            match page.get_mut("value").map(Value::take) {
                Some(Value::Array(values)) => items.extend(values),
                _ => {
                    return Err(ProviderError::Protocol(
                        "Microsoft Graph sent a list without values".into(),
                    ));
                }
            }
            if let Some(link) = page.get("@odata.nextLink").and_then(Value::as_str) {
                next = Some(self.same_origin(link)?);
            }
        }
        Ok(items)
    }

    /// A next-page link is followed only on Graph's own origin: the bearer
    /// token goes along with it.
    fn same_origin(&self, link: &str) -> Result<Url, ProviderError> {
        let url = Url::parse(link).map_err(|_| {
            ProviderError::Protocol("Microsoft Graph sent a bad next-page link".into())
        })?;
        if url.origin() != self.base.origin() {
            return Err(ProviderError::Protocol(
                "Microsoft Graph sent a next-page link to another server".into(),
            ));
        }
        Ok(url)
    }

    /// DELETE, sent once. 204 (or any 2xx) is done.
    pub async fn delete(&self, token: &Secret, url: &Url, op: Op) -> Result<(), ProviderError> {
        let request = self
            .client
            .delete(url.clone())
            .header(AUTHORIZATION, http::bearer(token)?);
        let response = http::send_once(request).await?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(self.fail(response, op).await)
    }

    /// POST (a JSON body or none), sent once; returns the raw answer so a
    /// caller that receives a secret (a new pass) can wipe it after reading.
    pub async fn post(
        &self,
        token: &Secret,
        url: &Url,
        body: Option<&Value>,
        op: Op,
    ) -> Result<Vec<u8>, ProviderError> {
        let mut request = self
            .client
            .post(url.clone())
            .header(AUTHORIZATION, http::bearer(token)?)
            .header(ACCEPT, "application/json");
        request = match body {
            Some(body) => request.json(body),
            None => request.header(CONTENT_LENGTH, "0"),
        };
        let response = http::send_once(request).await?;
        if !response.status().is_success() {
            return Err(self.fail(response, op).await);
        }
        http::read_body(response, MAX_BODY).await
    }
}
