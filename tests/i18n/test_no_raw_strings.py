"""Heuristics that catch user-facing text written outside gettext, in templates and in Python code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.i18n.conftest import ROOT

TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "scheduler"

# Text that is the same in every language: language autonyms (shown in their own language) and punctuation.
ALLOWED_TEXT = ("English", "বাংলা", "Bahasa Indonesia", "Nederlands", "·", "—", "–", "←", "→", "|", ":", ",")
CHECKED_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_TRANS = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|\w+);", re.I)
ATTRIBUTE = re.compile(r"""\s(""" + "|".join(CHECKED_ATTRIBUTES) + r""")\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
LETTER = re.compile(r"[^\W\d_]")


def _blank(match: re.Match[str]) -> str:
    """Replaces a span by spaces but keeps its newlines, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _has_words(text: str) -> bool:
    for allowed in ALLOWED_TEXT:
        text = text.replace(allowed, " ")
    return bool(LETTER.search(text))


def untranslated_template_text(source: str, *, html: bool) -> list[tuple[int, str]]:
    """(line, text) for every piece of literal text left once Jinja, scripts and markup are taken out."""
    text = JINJA_COMMENT.sub(_blank, source)
    text = JINJA_TRANS.sub(_blank, text)
    text = JINJA_CODE.sub(_blank, text)
    found: list[tuple[int, str]] = []
    if html:
        text = HTML_COMMENT.sub(_blank, text)
        text = SCRIPT_STYLE.sub(_blank, text)
        for tag in HTML_TAG.finditer(text):
            for attribute in ATTRIBUTE.finditer(tag.group(0)):
                value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
                if _has_words(value):
                    line = text.count("\n", 0, tag.start() + attribute.start()) + 1
                    found.append((line, f'{attribute.group(1)}="{value.strip()}"'))
        text = HTML_TAG.sub(_blank, text)
        text = ENTITY.sub(_blank, text)
    for number, line in enumerate(text.split("\n"), start=1):
        if _has_words(line):
            found.append((number, " ".join(line.split())))
    return found


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt") and p.is_file())


def test_there_are_templates_to_check():
    assert len(template_files()) > 5


def test_templates_have_no_text_outside_gettext():
    problems = []
    for path in template_files():
        for line, text in untranslated_template_text(path.read_text(encoding="utf-8"), html=path.suffix == ".html"):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not problems, "Wrap these in {{ _(...) }}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<p>{{ _("Hello") }}</p>', []),
        ("<p>Hello</p>", [(1, "Hello")]),
        ('<a title="Go back" href="/">{{ _("Back") }}</a>', [(1, 'title="Go back"')]),
        ("<a aria-label=\"{{ _('Main') }}\">·</a>", []),
        ("{# a note #}\n<script>var label = 'x';</script>\n<style>p { color: red }</style>", []),
        ("{% if x %}\n  <b>Free</b>{% endif %}", [(2, "Free")]),
        ("<p>{% trans %}Hi {{ name }}{% endtrans %}</p>&nbsp;—", []),
        ('<span lang="bn">বাংলা</span> <input placeholder="Search">', [(1, 'placeholder="Search"')]),
    ],
)
def test_template_scanner(source, expected):
    assert untranslated_template_text(source, html=True) == expected


def test_text_template_scanner():
    assert untranslated_template_text("{{ _('Hello %(name)s', name=name) }}\n\n{{ url }}\n", html=False) == []
    assert untranslated_template_text("{{ greeting }}\nSee you soon\n", html=False) == [(2, "See you soon")]


# --- Python ---------------------------------------------------------------------------------------------------

WTFORMS_VALIDATORS = {
    "AnyOf", "DataRequired", "Email", "EqualTo", "InputRequired", "Length", "NoneOf", "NumberRange", "Optional",
    "Regexp", "URL", "UUID",
}  # fmt: skip


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal_text(node: ast.expr | None) -> str | None:
    """The text of a plain string literal, f-string, `"..." % x` or `"...".format()`; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _literal_text(node.left) or _literal_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    return None


def _words(node: ast.expr | None) -> bool:
    text = _literal_text(node)
    return text is not None and bool(LETTER.search(text))


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _error_dict_literals(node: ast.expr) -> list[ast.expr]:
    """String literals among the values of a `{field: ["message", ...]}` dict."""
    if not isinstance(node, ast.Dict):
        return []
    found = []
    for value in node.values:
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        found.extend(item for item in items if _words(item))
    return found


def raw_user_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, call) for literals that reach people without gettext."""
    found: list[tuple[int, str]] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call.func)
        suspects: list[ast.expr | None] = []
        if name in ("flash", "ValidationError"):
            suspects = [call.args[0] if call.args else _keyword(call, "message")]
        elif name == "abort":
            suspects = [*call.args[1:], _keyword(call, "description")]
        elif name in WTFORMS_VALIDATORS:
            suspects = [_keyword(call, "message")]
        elif name.endswith("Field") and name[:1].isupper():
            suspects = [call.args[0] if call.args else _keyword(call, "label"), _keyword(call, "description")]
        elif name.endswith("Error"):
            suspects = [literal for arg in call.args for literal in _error_dict_literals(arg)]
        for suspect in suspects:
            if _words(suspect):
                found.append((suspect.lineno, f"{name}({_literal_text(suspect)!r})"))
    return found


def python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.relative_to(PACKAGE).parts)


def test_python_has_no_user_strings_outside_gettext():
    problems = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, text in raw_user_strings(tree):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not problems, "Wrap these in _() / _l():\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('flash(_("Saved."), "success")', []),
        ('flash("Saved.", "success")', [(1, "flash('Saved.')")]),
        ('flash(f"Saved {name}.")', [(1, "flash('Saved .')")]),
        ("raise ValidationError(_l('Choose a day.'))", []),
        ("raise ValidationError('Choose a day.')", [(1, "ValidationError('Choose a day.')")]),
        ('abort(404)\nabort(400, "Bad input")', [(2, "abort('Bad input')")]),
        ('raise MeetingError({"title": [str(_l("Give a title."))]})', []),
        ('raise MeetingError({"title": ["Give a title."]})', [(1, "MeetingError('Give a title.')")]),
        ('raise RuntimeError("internal detail")', []),
        ('name = StringField(_l("Name"), validators=[Length(max=3, message=_l("Too long."))])', []),
        ('name = StringField("Name", validators=[Length(max=3, message="Too long.")])',
         [(1, "StringField('Name')"), (1, "Length('Too long.')")]),
        ('flash(str(error), "error")', []),
    ],
)  # fmt: skip
def test_python_scanner(source, expected):
    assert sorted(raw_user_strings(ast.parse(source))) == sorted(expected)
