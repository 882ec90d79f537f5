"""The district's review of schools' plans: the principal submits the council-approved plan,
district staff accept it or return it with a comment, then record the board's approval. A move
the plan's state does not allow is the model's IllegalMove (409)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.plans import bp
from portal.blueprints.plans.editor_page import editable_plan
from portal.blueprints.plans.forms import BoardApprovalForm, ReturnPlanForm, field_ids
from portal.blueprints.school_access import current_year_or_404, school_or_404
from portal.forms import ActionForm, saved
from portal.permissions import DISTRICT_STAFF, SCHOOL_EDITORS, can_submit_plan, role_required
from portal.services import plan_review, plans

REVIEW_FORMS = {"return": ReturnPlanForm, "board": BoardApprovalForm}


def _forms(slug: str, refused=None, which=None, at=None) -> dict:
    """A school's review forms, ids prefixed by its slug (the page holds every school's); the
    refused one (`which`, for school `at`) as typed."""
    return {
        kind: field_ids(
            refused if (kind, slug) == (which, at) else form_class(formdata=None), f"{slug}-{kind}"
        )
        for kind, form_class in REVIEW_FORMS.items()
    }


def _page(status=200, refused=None, which=None, at=None):
    """Every school's plan with its review status and the forms its status allows."""
    year = current_year_or_404()
    rows = plan_review.review_rows(g.district, year)
    return render_template(
        "plans/review.html",
        year=year,
        rows=[(row, _forms(row.school.slug, refused, which, at)) for row in rows],
        budgets=plan_review.review_budgets(g.district, year, rows),
        refused=refused,
    ), status


def _school_plan(slug: str):
    """The school's plan for the current year, or 404."""
    school = school_or_404(slug)
    plan = plans.load_plan(school.id, current_year_or_404().id)
    if plan is None:
        abort(404)
    return plan


def _back(slug: str, message: str):
    flash(message, "success")
    return redirect(url_for("plans.review_plans") + f"#plan-{slug}", code=303)


@bp.get("/manage/plans/review")
@role_required(*DISTRICT_STAFF)
def review_plans():
    """Schools' plans with their review status: accept, return with a comment, board approval."""
    return _page()


@bp.post("/manage/schools/<slug>/plan/submit")
@role_required(*SCHOOL_EDITORS)
def submit_plan(slug: str):
    """The principal sends the council-approved plan to the district."""
    _school, _year, plan = editable_plan(slug)
    if not can_submit_plan(current_user, plan):
        abort(404)
    if saved(ActionForm(), lambda: plan_review.submit_plan(plan, current_user)):
        flash(_("The plan is sent to the district."), "success")
    return redirect(url_for("plans.edit_plan", slug=slug, focus="settings"), code=303)


@bp.post("/manage/plans/review/<slug>/accept")
@role_required(*DISTRICT_STAFF)
def accept_plan(slug: str):
    """Accept the plan as submitted."""
    plan = _school_plan(slug)
    if saved(ActionForm(), lambda: plan_review.accept_plan(plan, current_user)):
        return _back(slug, _("The plan is accepted."))
    return _page(422)


@bp.post("/manage/plans/review/<slug>/return")
@role_required(*DISTRICT_STAFF)
def return_plan(slug: str):
    """Return the plan to the school with a comment."""
    plan = _school_plan(slug)
    form = ReturnPlanForm()
    if saved(form, lambda: plan_review.return_plan(plan, form.comment.data, current_user)):
        return _back(slug, _("The plan is returned to the school."))
    return _page(422, form, "return", slug)


@bp.post("/manage/plans/review/<slug>/board")
@role_required(*DISTRICT_STAFF)
def record_board_approval(slug: str):
    """Record the day the board approved the accepted plan, with its minutes."""
    plan = _school_plan(slug)
    form = BoardApprovalForm()
    if saved(
        form,
        lambda: plan_review.record_board_approval(
            plan, form.board_approved_on.data, form.minutes_url.data or "", current_user
        ),
    ):
        return _back(slug, _("The board's approval is recorded."))
    return _page(422, form, "board", slug)
