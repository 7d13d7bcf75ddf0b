use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An API error, rendered as Backstage renders its errors:
/// `{"error": {"name", "message"}, "response": {"statusCode"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    name: &'static str,
    message: String,
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::NOT_FOUND, name: "NotFoundError", message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, name: "InputError", message: message.into() }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::UNAUTHORIZED, name: "AuthenticationError", message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::FORBIDDEN, name: "NotAllowedError", message: message.into() }
    }

    /// Internal failures are logged in full and answered without details.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            name: "Error",
            message: format!("{context}; see the server log"),
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::SERVICE_UNAVAILABLE, name: "ServiceUnavailableError", message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {"name": self.name, "message": self.message},
            "response": {"statusCode": self.status.as_u16()},
        });
        (self.status, Json(body)).into_response()
    }
}
