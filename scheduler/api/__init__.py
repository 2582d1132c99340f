"""The JSON API under /api/v1, documented by an OpenAPI 3.1 document generated (APIFlask) from the marshmallow
schemas that validate its requests and shape its responses."""

SPEC_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"
OPENAPI_VERSION = "3.1.0"
