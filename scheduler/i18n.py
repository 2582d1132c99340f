"""Language and time-zone choice, and the Jinja helpers that format times for a person."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from blinker import Namespace
from flask import Blueprint, Flask, current_app, g, has_request_context, request
from flask_babel import Domain, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.wrappers import Response

from scheduler import clock, timefmt
from scheduler.extensions import babel, db
from scheduler.locales import LANGUAGE_NAMES, is_valid_zone, language_zone, picker_zones
from scheduler.redirects import redirect_to_local

LANG_COOKIE = "lang"
TZ_COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600

i18n_bp = Blueprint("i18n", __name__)

# Sent with `user=` and `code=` when a signed-in staff member picks a language: their saved preference follows
# (`auth` connects to it in `wiring`; this module does not import the accounts).
language_chosen = Namespace().signal("language-chosen")


def N_(message: str) -> str:
    """Marks a string for extraction where it must stay untranslated until shown."""
    return message


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The one rule for the language of everything a request shows or sends to a person (pages, flash messages,
    emails composed during it):

    1. the person the request is about (`web.speak`: a participant's personal link, a recipient's email);
    2. a signed-in staff member's saved language (switching language updates it);
    3. the visitor's explicit switch (cookie);
    4. the browser's Accept-Language;
    5. the group's language on its pages;
    6. English.
    Text is put into words only after this is settled: flash messages are lazy strings until then.
    """
    languages = supported_languages()
    preferred = getattr(g, "preferred_language", None)
    if preferred in languages:
        return preferred
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    switched = request.cookies.get(LANG_COOKIE)
    if switched in languages:
        return switched
    accepted = request.accept_languages.best_match(languages)
    if accepted:
        return accepted
    group_default = getattr(g, "group_language", None)
    if group_default in languages:
        return group_default
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def viewer_timezone() -> str:
    """The zone times are shown in: the staff member's, else the visitor's chosen or detected one (cookie; the
    browser's script sets it without reloading), else a guess from the browser's languages, else UTC."""
    if not has_request_context():
        return "UTC"
    if current_user.is_authenticated and is_valid_zone(current_user.timezone):
        return current_user.timezone
    chosen = request.cookies.get(TZ_COOKIE, "")
    if is_valid_zone(chosen):
        return chosen
    return guessed_timezone()


def guessed_timezone() -> str:
    """Where the browser's preferred languages point ('bn-BD' -> Asia/Dhaka, 'nl' -> Europe/Amsterdam), or UTC."""
    for tag, _quality in request.accept_languages:
        zone = language_zone(tag) if tag != "*" else None
        if zone:
            return zone
    return "UTC"


def viewer_timezone_known() -> bool:
    return (current_user.is_authenticated) or is_valid_zone(request.cookies.get(TZ_COOKIE, ""))


def switch_language(code: str) -> Response:
    """Remembers a language choice (a preference cookie, not data) and returns to the page."""
    response = redirect_to_local(request.args.get("next"), "public.schedule")
    if code in supported_languages():
        response.set_cookie(LANG_COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if current_user.is_authenticated and current_user.language != code:
            language_chosen.send(current_app._get_current_object(), user=current_user._get_current_object(), code=code)
            db.session.commit()
    return response


def switch_timezone() -> Response:
    response = redirect_to_local(request.args.get("next"), "public.schedule")
    zone = request.args.get("tz", "")
    if is_valid_zone(zone):
        response.set_cookie(TZ_COOKIE, zone, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


def _locale_code() -> str:
    return str(get_locale() or "en")


def format_when(instant: datetime, tz: str | None = None, with_zone: bool = True) -> str:
    return timefmt.format_when(instant, tz or viewer_timezone(), _locale_code(), with_zone=with_zone)


def format_day(instant: datetime, tz: str | None = None) -> str:
    return timefmt.format_day(instant, tz or viewer_timezone(), _locale_code())


def format_clock(instant: datetime, tz: str | None = None) -> str:
    return timefmt.format_clock(instant, tz or viewer_timezone(), _locale_code())


def zone_label(tz: str, instant: datetime | None = None) -> str:
    return timefmt.zone_label(tz, _locale_code(), instant)


def zone_name(tz: str) -> str:
    """'Dhaka (Bangladesh)' in the page's language: how a zone is named to people."""
    return timefmt.zone_place(tz, _locale_code())


def format_number(number: float) -> str:
    return timefmt.format_number(number, _locale_code())


def when_for(
    instant: datetime, meeting_tz: str, person_tz: str | None = None, *, locale: str | None = None, full: bool = False
) -> str:
    """The one way listings and emails say when: 'Tue, Dec 15, 20:00 (your time) · 19:00 in Amsterdam'.

    The person's own time first; the meeting's city time after it when the clocks differ (with its date when that
    differs too); only the city when they are the same. Never nested parentheses."""
    code = locale or _locale_code()
    person_tz = person_tz or viewer_timezone()
    mine = timefmt.local(instant, person_tz)
    theirs = timefmt.local(instant, meeting_tz)
    short_day = timefmt.format_day if full else timefmt.format_short_day
    day = short_day(instant, person_tz, code)
    own = _("%(day)s, %(time)s", day=day, time=timefmt.format_clock(instant, person_tz, code))
    city = timefmt.zone_city(meeting_tz, code)
    if mine.utcoffset() == theirs.utcoffset():
        return _("%(when)s in %(city)s", when=own, city=city)
    there = timefmt.format_clock(instant, meeting_tz, code)
    if mine.date() != theirs.date():
        there = _("%(day)s, %(time)s", day=short_day(instant, meeting_tz, code), time=there)
    return _("%(when)s (your time) · %(there)s in %(city)s", when=own, there=there, city=city)


def zone_options(selected: str = "", zones: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(zone, 'Dhaka (Bangladesh) — 20:15') for a select, sorted by name, `selected` included. The names are built
    once per process and language; only the clock (one per distinct offset) is worked out per request."""
    code = _locale_code()
    now = clock.now()
    names = _place_names(code, zones or picker_zones())
    if is_valid_zone(selected) and selected not in dict(names):
        names = (*names, (selected, timefmt.zone_place(selected, code)))
    clocks: dict[object, str] = {}
    options = []
    for zone, place in names:
        offset = timefmt.local(now, zone).utcoffset()
        if offset not in clocks:
            clocks[offset] = timefmt.format_clock(now, zone, code)
        options.append((zone, f"{place} — {clocks[offset]}"))
    return options


@functools.cache
def _place_names(code: str, zones: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    named = [(zone, timefmt.zone_place(zone, code)) for zone in zones]
    return tuple(sorted(named, key=lambda item: (item[1].casefold(), item[0])))


def _fill(message: str, variables: dict[str, Any]) -> str:
    """`message % variables` with every number written in the locale's own digits ('%(num)d' takes the text)."""
    values = dict(variables)
    for key, value in variables.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = format_number(value)
            message = message.replace(f"%({key})d", f"%({key})s")
    return message % values


class _LocalDigitsDomain(Domain):
    """Flask-Babel's messages, with numbers put into translated sentences ('3 sessions in total') written in the
    locale's own digits: Python's gettext, ngettext and their lazy forms all come through here."""

    def gettext(self, string: str, **variables: Any) -> str:
        message = self.get_translations().ugettext(string)
        return _fill(message, variables) if variables else message

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _fill(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context: str, string: str, **variables: Any) -> str:
        message = self.get_translations().upgettext(context, string)
        return _fill(message, variables) if variables else message

    def npgettext(self, context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _fill(self.get_translations().unpgettext(context, singular, plural, num), variables)


def _install_local_digits(app: Flask) -> None:
    """Numbers put into translated sentences ('3 seats') are written in the locale's own digits, in Python (the
    domain) and in templates (Jinja's gettext, which escapes the values into the translated text)."""
    domain = _LocalDigitsDomain(domain=app.extensions["babel"].default_domain)
    babel.domain_instance = domain

    def template_text(context: Any, message: str) -> str:
        """Catalog text is trusted, as in Jinja's own gettext: with autoescape on, the values are escaped into it."""
        return Markup(message) if context.eval_ctx.autoescape else message  # noqa: S704

    @pass_context
    def gettext(context: Any, string: str, **variables: Any) -> str:
        return _fill(template_text(context, domain.get_translations().ugettext(string)), variables)

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _fill(template_text(context, domain.get_translations().ungettext(singular, plural, num)), variables)

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.register_blueprint(i18n_bp)
    _install_local_digits(app)
    app.jinja_env.globals.update(
        format_when=format_when,
        format_day=format_day,
        format_clock=format_clock,
        zone_label=zone_label,
        viewer_timezone=viewer_timezone,
        viewer_timezone_known=viewer_timezone_known,
        language_names=LANGUAGE_NAMES,
        current_locale=_locale_code,
        zone_options=zone_options,
        zone_name=zone_name,
        format_number=format_number,
        when_for=when_for,
    )


_ROUTES = [
    ("/language/<code>", switch_language, ["GET"]),
    ("/timezone", switch_timezone, ["GET"]),
]

for rule, handler, methods in _ROUTES:
    i18n_bp.add_url_rule(rule, view_func=handler, methods=methods)
