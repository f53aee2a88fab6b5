//! What a spec check reports.

use std::fmt;

/// Which check found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The document is not an OpenAPI 3.0.x mapping.
    OpenApiVersion,
    /// An operation has no `operationId`.
    MissingOperationId,
    /// Two operations share an `operationId`.
    DuplicateOperationId,
    /// An operation has no description.
    MissingDescription,
    /// A `$ref` does not resolve inside the document.
    UnresolvedRef,
    /// A response key is neither a status code, a range like `4XX`, nor `default`.
    StatusCode,
    /// Success responses carry more than one body type.
    SuccessBodyTypes,
    /// Error responses carry more than one body type.
    ErrorBodyTypes,
    /// A success response without a body sits beside a `default` response with one.
    EmptySuccessBesideDefault,
    /// A JSON response body is not a `$ref` to a component schema.
    InlineResponseSchema,
    /// A request body offers more than one media type.
    RequestMediaTypes,
    /// A request body is `multipart/form-data`.
    MultipartRequest,
    /// A request media type progenitor does not support, or one without a schema.
    RequestMediaType,
    /// A cookie parameter.
    CookieParameter,
    /// A `style: deepObject` parameter.
    DeepObjectParameter,
    /// Another parameter shape progenitor refuses (a style, `content`, a path
    /// parameter missing from the path).
    Parameter,
    /// An `example` or `examples` entry does not validate against its schema.
    Example,
}

/// One reason the document is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The check that failed.
    pub check: Check,
    /// Where: an operation (`GET /pets (list_pets)`), a component
    /// (`#/components/schemas/Pet`), or the document.
    pub location: String,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// Builds a problem.
    pub fn new(check: Check, location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            check,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}
