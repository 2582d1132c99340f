"""The bn, id and nl catalogs are complete, correct and in step with the code.

When a test here fails after you added or changed a string, run `make update-translations`
(or `sh scheduler/translations/update.sh`) and translate the new, empty entries in each messages.po.
"""

from __future__ import annotations

import gettext
import io
import re
import shlex
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.i18n.conftest import LANGUAGES, ROOT, TRANSLATIONS

# The keywords beyond Babel's defaults (_, gettext, ngettext, N_, pgettext, ...); update.sh passes the same ones.
EXTRA_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_l": None,
    "N_": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}
KEYWORDS = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
SOURCE_DIRS = ("scheduler", "templates")
# pybabel's default would also skip directories starting with "_" (templates/_macros); update.sh passes these.
IGNORE_DIRS = (".*", "__pycache__", "node_modules")

# %(name)s / %(num)d style placeholders (with optional flags, width and precision).
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
COUNT_NAMES = {"num"}


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def stray_percent(text: str) -> bool:
    """A lone % outside a placeholder would break `text % values`."""
    return "%" in PLACEHOLDER.sub("", text).replace("%%", "")


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def label(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def extracted_ids() -> set[str | tuple[str, str]]:
    with (ROOT / "babel.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)

    def only_sources(path: str) -> bool:
        relative = Path(path).relative_to(ROOT).parts
        ignored = any(fnmatch(part, pattern) for part in relative for pattern in IGNORE_DIRS)
        return relative[0] in SOURCE_DIRS and not ignored

    found: set[str | tuple[str, str]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=only_sources
    ):
        if isinstance(message, tuple):
            found.add(message if len(message) > 1 and message[1] else message[0])
        else:
            found.add(message)
    return found


@pytest.fixture(scope="module")
def extracted() -> set[str | tuple[str, str]]:
    return extracted_ids()


# What `pybabel init` writes. CLDR gives Bengali two categories and Indonesian one, but our English
# sentences change words between singular and plural ("every month" / "every %(num)s months"), so the
# Indonesian catalog keeps two forms too: form 0 for exactly 1, form 1 for every other number.
PLURAL_FORMS = {lang: "nplurals=2; plural=(n != 1);" for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_and_plural_forms(catalogs, lang):
    catalog = catalogs[lang]
    assert str(catalog.locale) == lang
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy, so pybabel compile would skip it"
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    assert catalog.num_plurals == 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_chooses_plural_forms_from_its_own_header(catalogs, lang):
    """The header decides, not the installed Babel's CLDR data (which changed for Indonesian in Babel 2.17)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogs[lang])
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    message = next(m for m in entries(catalogs[lang]) if m.pluralizable and m.string[0] != m.string[1])
    singular, plural = message.id
    assert translations.ngettext(singular, plural, 1) == message.string[0]
    assert translations.ngettext(singular, plural, 5) == message.string[1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(catalogs, lang):
    catalog = catalogs[lang]
    problems = []
    for message in entries(catalog):
        if message.fuzzy:
            problems.append(f"fuzzy: {label(message)!r}")
        if message.pluralizable:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if len(forms) != catalog.num_plurals or not all(form.strip() for form in forms):
                problems.append(f"missing plural form(s): {label(message)!r}")
        elif not (message.string or "").strip():
            problems.append(f"untranslated: {label(message)!r}")
    assert not problems, f"{lang}/LC_MESSAGES/messages.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(catalogs, lang):
    problems = []
    for message in entries(catalogs[lang]):
        if not message.string or not all(message.string):
            continue  # untranslated: reported by test_every_message_is_translated
        if message.pluralizable:
            singular, plural = message.id
            allowed = placeholders(singular) | placeholders(plural)
            required = {p for p in allowed if PLACEHOLDER.match(p).group(1) not in COUNT_NAMES}
            forms = list(message.string)
            for index, form in enumerate(forms):
                found = placeholders(form)
                # The last form covers "many": it must show the count if the English plural does.
                needed = placeholders(plural) if index == len(forms) - 1 else required
                if not (needed <= found <= allowed) or stray_percent(form):
                    problems.append(f"{singular!r} [{index}]: {sorted(found)} (expected {sorted(needed)})")
        else:
            found, expected = placeholders(message.string), placeholders(message.id)
            if found != expected or (expected and stray_percent(message.string)):
                problems.append(f"{message.id!r}: {sorted(found)} (expected {sorted(expected)})")
    assert not problems, f"{lang}: placeholders differ from the English:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_babel_checks_pass(catalogs, lang):
    problems = [f"{label(message)!r}: {errors}" for message, errors in catalogs[lang].check()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles(catalogs, lang):
    buffer = io.BytesIO()
    write_mo(buffer, catalogs[lang])
    assert buffer.getvalue()
    mo = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo.exists() and mo.stat().st_mtime >= (mo.with_suffix(".po")).stat().st_mtime


def test_template_matches_the_code(extracted):
    """messages.pot is what update.sh wrote from the current code."""
    with (TRANSLATIONS / "messages.pot").open("rb") as fileobj:
        template = {message.id for message in read_po(fileobj) if message.id}
    assert not extracted - template, f"not in messages.pot, run update.sh: {sorted(extracted - template, key=str)}"
    assert not template - extracted, f"stale in messages.pot, run update.sh: {sorted(template - extracted, key=str)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_matches_the_code(catalogs, extracted, lang):
    """Fails when a string was added or changed in the code without updating the catalogs, or left stale."""
    in_catalog = {message.id for message in entries(catalogs[lang])}
    new = sorted(extracted - in_catalog, key=str)
    stale = sorted(in_catalog - extracted, key=str)
    assert not new, f"{lang}: strings missing from the catalog (run update.sh, then translate): {new}"
    assert not stale, f"{lang}: strings no longer in the code (run update.sh): {stale}"


def test_update_script_extracts_like_this_test():
    """update.sh (and so `make extract-messages` / `make update-translations`) uses the same keywords and dirs."""
    script = (TRANSLATIONS / "update.sh").read_text()
    command = next(part for part in script.split('"$PYBABEL" ')[1:] if part.lstrip().startswith("-q extract"))
    words = shlex.split(command.split("\n\n")[0].replace("\\\n", " "))
    keywords = {words[i + 1] for i, word in enumerate(words[:-1]) if word == "-k"}
    ignored = next(word.split("=", 1)[1] for word in words if word.startswith("--ignore-dirs="))
    expected = {name if spec is None else f"{name}:{','.join(map(str, spec))}" for name, spec in EXTRA_KEYWORDS.items()}
    assert keywords == expected
    assert tuple(ignored.split()) == IGNORE_DIRS
