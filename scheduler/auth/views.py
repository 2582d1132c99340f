from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from scheduler.auth import api_tokens, services
from scheduler.auth.forms import ApiTokenForm, LoginForm, SettingsForm
from scheduler.auth.models import User
from scheduler.extensions import db, limiter, login_manager
from scheduler.i18n import N_
from scheduler.redirects import redirect_to_local
from scheduler.web import FAILED, private_headers, transact

auth_bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please sign in to see this page.")
login_manager.localize_callback = _
login_manager.login_message_category = "info"


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _login_email_key() -> str:
    """Limits guesses against one account from many addresses too."""
    return "login:" + hashlib.sha256(request.form.get("email", "").strip().lower().encode()).hexdigest()


@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect_to_local(request.args.get("next"), "organizer.dashboard")
        flash(_("That email and password do not match an account."), "error")
    return render_template("auth/login.html", form=form)


@login_required
def settings() -> str | Response | tuple[str, int]:
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit() and (
        transact(
            lambda: services.update_settings(
                current_user, form.name.data or "", (form.timezone.data or "").strip(), form.language.data or ""
            ),
            form,
            done=_l("Your settings are saved."),
        )
        is not FAILED
    ):
        return redirect(url_for(".settings"))
    return _settings_page(form, ApiTokenForm(formdata=None), status=400 if form.errors else 200)


def _settings_page(
    form: SettingsForm, token_form: ApiTokenForm, *, new_secret: str | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "auth/settings.html",
        form=form,
        token_form=token_form,
        tokens=api_tokens.tokens_of(current_user),
        new_secret=new_secret,
    )
    return page, status


@login_required
def token_create() -> Response:
    """The new token's secret is shown on this one answer, never again (and never in a flash message)."""
    token_form = ApiTokenForm()
    created = None
    if token_form.validate_on_submit():
        created = transact(
            lambda: api_tokens.create(current_user, token_form.name.data or "", token_form.scope.data or ""),
            token_form,
        )
    secret = created[1] if created and created is not FAILED else None  # type: ignore[index]
    page, status = _settings_page(
        SettingsForm(formdata=None, obj=current_user), token_form, new_secret=secret, status=200 if secret else 400
    )
    return private_headers(make_response(page, status))


@login_required
def token_revoke(token_id: int) -> Response:
    if transact(lambda: api_tokens.revoke(current_user, token_id)) is not FAILED:
        flash(_("The token is revoked. Programs using it can no longer reach the API."), "success")
    return redirect(url_for(".settings", _anchor="api-tokens"), code=303)


@login_required
def logout() -> Response:
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.schedule"))


_ROUTES = [
    ("/login", login, ["GET", "POST"]),
    ("/settings", settings, ["GET", "POST"]),
    ("/logout", logout, ["POST"]),
    ("/settings/api-tokens", token_create, ["POST"]),
    ("/settings/api-tokens/<int:token_id>/revoke", token_revoke, ["POST"]),
]

for rule, handler, methods in _ROUTES:
    auth_bp.add_url_rule(rule, view_func=handler, methods=methods)
