"""The JSON API under /api/v1, documented by an OpenAPI 3.1 document generated (APIFlask) from the marshmallow
schemas that validate its requests and shape its responses."""
