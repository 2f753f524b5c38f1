"""Errors as RFC 9457 problem details (`application/problem+json`), naming the field at fault.

Every refusal the API gives goes through `problem()`, so clients see one
shape: {"type", "title", "status", "detail", "errors": [{"field", "message"}]}; a refusal
of the services also carries `refusal`, the rule's code (`directives.refusals.Refusal`).
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

MEDIA_TYPE = "application/problem+json"
BASE = "urn:dxtasks:problem:"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
}


class ApiProblem(Exception):
    """Raised by endpoints to answer with a problem; handled by the API's exception handler."""

    def __init__(self, status: int, detail: str = "", *, kind: str = "", errors=(), headers=None, refusal: str = ""):
        self.status, self.detail, self.kind, self.refusal = status, detail, kind, refusal
        self.errors = list(errors)
        self.headers = headers or {}
        super().__init__(detail)


def problem(
    status: int, detail: str = "", *, kind: str = "", errors=(), headers=None, refusal: str = ""
) -> HttpResponse:
    body = {
        "type": BASE + kind if kind else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": str(detail),
        "errors": [{"field": str(field), "message": str(message)} for field, message in errors],
    }
    if refusal:
        body["refusal"] = str(refusal)
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_exception(exc: ApiProblem) -> HttpResponse:
    return problem(exc.status, exc.detail, kind=exc.kind, errors=exc.errors, headers=exc.headers, refusal=exc.refusal)


def django_errors(error: ValidationError, rename: dict | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs of a Django ValidationError; errors of no field are named "body"."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        return [
            (rename.get(field, "body" if field == NON_FIELD_ERRORS else field), message)
            for field, errors in error.error_dict.items()
            for message in ValidationError(errors).messages
        ]
    return [("body", message) for message in error.messages]


def pydantic_errors(errors: list[dict]) -> list[tuple[str, str]]:
    """(field, message) pairs of ninja's validation errors: `loc` is ("body", "percent"), ("query", "status")…"""
    pairs = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source, path = (loc[0], loc[1:]) if loc else ("body", [])
        if source == "body" and path and path[0] in {"payload", "data"} and len(path) > 1:
            path = path[1:]  # ninja nests a body parameter under its argument name
        message = error.get("msg", "")
        if error.get("type") == "extra_forbidden":
            message = _("Trường không được biết đến.")
        pairs.append((".".join(path) or source, message))
    return pairs


def form_errors(form, rename: dict | None = None) -> list[tuple[str, str]]:
    rename = rename or {}
    return [
        (rename.get(field, "body" if field == NON_FIELD_ERRORS else field), message)
        for field, messages in form.errors.items()
        for message in messages
    ]
