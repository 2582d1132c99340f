"""Administrators manage staff accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from scheduler.auth import services as accounts
from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.forms_base import LANGUAGE_CHOICES, BaseForm, one_line_filter, options, validate_zone
from scheduler.web import FAILED, transact

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")


class StaffForm(BaseForm):
    name = StringField(_l("Name"), filters=[one_line_filter], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=options(
            [
                (StaffRole.ORGANIZER, _l("Organizer")),
                (StaffRole.COUNSELOR, _l("Counselor")),
                (StaffRole.ADMIN, _l("Administrator")),
            ]
        ),
    )
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), validate_zone])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))
    password = PasswordField(
        _l("Temporary password"),
        validators=[
            DataRequired(),
            Length(
                min=accounts.MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(n)s characters.", n=accounts.MIN_PASSWORD_LENGTH),
            ),
        ],
    )


@staff_bp.before_request
@login_required
def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def index() -> str | Response | tuple[str, int]:
    form = StaffForm()
    if form.validate_on_submit() and (
        transact(
            lambda: accounts.create_user(
                form.email.data or "",
                form.name.data or "",
                form.password.data or "",
                form.role.data or StaffRole.ORGANIZER,
                timezone=(form.timezone.data or "").strip(),
                language=form.language.data or "en",
            ),
            form,
            done=_("The account is created. Give the person their temporary password in person or by phone."),
        )
        is not FAILED
    ):
        return redirect(url_for(".index"))
    users = db.session.scalars(sa.select(User).order_by(User.name)).all()
    return render_template("staff/index.html", form=form, users=users), 400 if form.errors else 200


_ROUTES = [
    ("/", index, ["GET", "POST"]),
]

for rule, handler, methods in _ROUTES:
    staff_bp.add_url_rule(rule, view_func=handler, methods=methods)
