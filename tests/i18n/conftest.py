"""Shared helpers for the translation tests: compiled catalogs and the catalogs themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "scheduler" / "translations"
LANGUAGES = ("bn", "id", "nl")


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load_catalog(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fileobj:
        return read_po(fileobj, locale=lang)


def compile_catalog(lang: str) -> Path:
    """Writes messages.mo next to messages.po (atomically) when it is missing or older; returns its path."""
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    catalog = load_catalog(lang)
    partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with partial.open("wb") as fileobj:
        write_mo(fileobj, catalog)
    partial.replace(mo)
    return mo


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """`make test` compiles through the `translations` target; this covers a bare `pytest tests/i18n`."""
    for lang in LANGUAGES:
        compile_catalog(lang)


@pytest.fixture(scope="session")
def catalogs() -> dict[str, Catalog]:
    return {lang: load_catalog(lang) for lang in LANGUAGES}


@pytest.fixture
def fresh_get(app, client):
    """GET in a new application context, as in production.

    The shared `app` fixture keeps one app context open for the whole test, and Flask reuses it for every
    test-client request, so `g` (Flask-Babel's cached locale, g.group_language) would leak between requests.
    """

    def get(url: str, **headers: str):
        with app.app_context():
            return client.get(url, headers=headers)

    return get
