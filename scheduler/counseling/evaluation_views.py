"""Program evaluation pages for organizers: one group or one meeting over a period, as charts, tables and CSV."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_login import login_required

from scheduler.counseling import access, evaluation, presenter
from scheduler.counseling.forms import PeriodForm
from scheduler.meetings.models import Group, Series
from scheduler.rules import RuleError
from scheduler.web import authorized, show_errors

ViewResult = str | Response | tuple[str, int]


def _scope(kind: str, scope_id: int) -> evaluation.Scope:
    if kind == "group":
        return evaluation.Scope.of_group(authorized(Group, scope_id, access.can_evaluate))
    return evaluation.Scope.of_series(authorized(Series, scope_id, access.can_evaluate_series))


def _period(scope: evaluation.Scope) -> tuple[PeriodForm, tuple[date, date] | None]:
    form = PeriodForm(formdata=request.args if request.args else None)
    if not request.args:
        form.start.data, form.end.data = evaluation.default_period(scope.timezone)
        return form, (form.start.data, form.end.data)
    if not form.validate():
        return form, None
    try:
        evaluation.check_period(form.start.data, form.end.data)  # type: ignore[arg-type]
    except RuleError as error:
        show_errors(form, error, field="start")
        return form, None
    return form, (form.start.data, form.end.data)  # type: ignore[return-value]


def _page(kind: str, scope_id: int) -> ViewResult:
    scope = _scope(kind, scope_id)
    form, period = _period(scope)
    result = evaluation.evaluate(scope, *period) if period else None
    html = render_template("counseling/evaluation.html", scope=scope, form=form, **presenter.page(result))
    return (html, 200) if result is not None else (html, 400)


def _csv(kind: str, scope_id: int) -> ViewResult:
    scope = _scope(kind, scope_id)
    form, period = _period(scope)
    if period is None:
        return render_template("counseling/evaluation.html", scope=scope, form=form, result=None), 400
    body = evaluation.to_csv(scope, evaluation.evaluate(scope, *period))
    name = f"evaluation-{scope.kind}-{scope.id}-{period[0].isoformat()}-{period[1].isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@login_required
def group_page(group_id: int) -> ViewResult:
    return _page("group", group_id)


@login_required
def meeting_page(series_id: int) -> ViewResult:
    return _page("meeting", series_id)


@login_required
def group_csv(group_id: int) -> ViewResult:
    return _csv("group", group_id)


@login_required
def meeting_csv(series_id: int) -> ViewResult:
    return _csv("meeting", series_id)
