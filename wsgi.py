"""Entry point for `flask` and gunicorn: `gunicorn wsgi:app`."""

from scheduler import create_app

app = create_app()
