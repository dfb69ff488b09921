//! Answers in the documented shapes: Graph JSON and error bodies and the
//! identity platform's AADSTS error bodies (sources: docs/graph-facts.md).

use super::state::State;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

const DATE: &str = "2026-11-23T10:00:00";

fn respond(status: u16, content_type: Option<&str>, body: Vec<u8>, request_id: &str) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    if let Some(ct) = content_type {
        r.headers_mut()
            .insert("content-type", HeaderValue::from_str(ct).unwrap());
    }
    // Graph puts these on every answer.
    r.headers_mut()
        .insert("request-id", HeaderValue::from_str(request_id).unwrap());
    r.headers_mut().insert(
        "client-request-id",
        HeaderValue::from_str(request_id).unwrap(),
    );
    r
}

pub fn json(state: &mut State, status: u16, value: &Value) -> Response {
    let id = state.new_guid();
    respond(
        status,
        Some(
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
        ),
        serde_json::to_vec(value).unwrap(),
        &id,
    )
}

pub fn no_content(state: &mut State) -> Response {
    let id = state.new_guid();
    respond(204, None, Vec::new(), &id)
}

pub fn raw(state: &mut State, status: u16, content_type: &str, body: &str) -> Response {
    let id = state.new_guid();
    respond(status, Some(content_type), body.as_bytes().to_vec(), &id)
}

/// `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
pub fn graph_error(state: &mut State, status: u16, code: &str, message: &str) -> Response {
    graph_error_with(state, status, code, message, None)
}

pub fn graph_error_with(
    state: &mut State,
    status: u16,
    code: &str,
    message: &str,
    inner_code: Option<Value>,
) -> Response {
    let id = state.new_guid();
    let mut inner = json!({"date": DATE, "request-id": id, "client-request-id": id});
    if let Some(extra) = inner_code
        && let (Some(i), Some(e)) = (inner.as_object_mut(), extra.as_object())
    {
        for (k, v) in e {
            i.insert(k.clone(), v.clone());
        }
    }
    state.last_error_request_id = Some(id.clone());
    let body = json!({"error": {"code": code, "message": message, "innerError": inner}});
    respond(
        status,
        Some("application/json"),
        serde_json::to_vec(&body).unwrap(),
        &id,
    )
}

/// An identity-platform refusal: `{"error","error_description","error_codes",
/// "timestamp","trace_id","correlation_id","error_uri"}`.
pub fn oauth_error(
    state: &mut State,
    status: u16,
    error: &str,
    aadsts: Option<u64>,
    text: &str,
) -> Response {
    let trace = state.new_guid();
    let correlation = state.new_guid();
    let (description, codes, uri) = match aadsts {
        Some(code) => (
            format!(
                "AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: 2026-11-23 10:00:00Z"
            ),
            json!([code]),
            Some(format!(
                "https://login.microsoftonline.com/error?code={code}"
            )),
        ),
        None => (text.to_string(), json!([]), None),
    };
    let mut body = json!({
        "error": error,
        "error_description": description,
        "error_codes": codes,
        "timestamp": "2026-11-23 10:00:00Z",
        "trace_id": trace,
        "correlation_id": correlation,
    });
    if let Some(uri) = uri {
        body["error_uri"] = json!(uri);
    }
    state.last_error_request_id = Some(trace.clone());
    respond(
        status,
        Some("application/json; charset=utf-8"),
        serde_json::to_vec(&body).unwrap(),
        &trace,
    )
}
