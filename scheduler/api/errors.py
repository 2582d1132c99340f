"""The API's errors as problem+json: APIFlask's validation and auth errors, `abort()`s in API views, unknown
paths and methods under /api (scheduler/errors.py hands those over), and the OpenAPI document says so."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

from apiflask import APIFlask, HTTPError
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from scheduler.api.messages import translated
from scheduler.api.problems import PROBLEM_MIMETYPE, default_detail, field_errors, problem, real_status
from scheduler.extensions import db
from scheduler.inputs import MAX_ID
from scheduler.rules import RuleError

T = TypeVar("T")


def bad_request(detail: str, *, field: str | None = None, status: int = 400) -> NoReturn:
    raise HTTPError(status, detail=detail, extra_data={"errors": {field: [detail]}} if field else None)


def _problem_from(error: HTTPError) -> Response:
    status = error.status_code
    errors = (error.extra_data or {}).get("errors")
    detail = error.detail if isinstance(error.detail, str) else None
    if error.detail and not isinstance(error.detail, str):  # marshmallow's messages, by location and field
        errors = {name: [translated(m) for m in messages] for name, messages in field_errors(error.detail).items()}
        names = ", ".join(sorted(errors))
        detail = _("Some fields are not valid: %(names)s.", names=names) if names else None
    status, headers = real_status(status, dict(error.headers or {}))
    return problem(status, headers, detail or default_detail(status), errors=errors)


def _json_schema_nulls(node: Any) -> None:
    """OpenAPI 3.1 is JSON Schema: `nullable: true` (3.0) becomes a "null" member of `type`."""
    if isinstance(node, dict):
        if node.pop("nullable", False) is True and "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = [*types, "null"] if "null" not in types else types
        for value in node.values():
            _json_schema_nulls(value)
    elif isinstance(node, list):
        for value in node:
            _json_schema_nulls(value)


def _problem_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """Error responses are documented as application/problem+json, which is what they are; ids in paths are
    the database's positive integers."""
    _json_schema_nulls(spec)
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].update(minimum=1, maximum=MAX_ID)
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(code)[0] in "45" and "application/json" in content:
                    response["content"] = {PROBLEM_MIMETYPE: content["application/json"]}
                if str(code) == "304":
                    response.pop("content", None)
    return spec


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def init_app(app: APIFlask) -> None:
    app.config["HTTP_ERROR_SCHEMA"] = PROBLEM_SCHEMA
    app.config["VALIDATION_ERROR_SCHEMA"] = PROBLEM_SCHEMA
    # Not `app.error_processor`: that would also take over the pages' HTTP errors (scheduler/errors.py keeps
    # those and hands /api paths to `problems.from_http_error`). This one answers APIFlask's own HTTPErrors.
    app.error_callback = _problem_from
    app.spec_processor(_problem_responses)


def invalid(errors: dict[str, list[str]]) -> NoReturn:
    names = ", ".join(sorted(errors))
    raise HTTPError(422, detail=_("Some fields are not valid: %(names)s.", names=names), extra_data={"errors": errors})


def commit_or_problem(action: Callable[[], T], renames: Mapping[str, str] | None = None) -> T:
    """`web.transact` for the API: one service call as the request's one transaction; a broken rule is a 422
    problem listing each field's messages (no flash messages, no form)."""
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        invalid({(renames or {}).get(name, name): messages for name, messages in error.errors.items()})
    db.session.commit()
    return result
