"""District staff: funding streams, enrollment import with a preview, weights scenarios."""

import re
from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.blueprints.allocation import bp
from portal.blueprints.school_access import current_year_or_404, district_row_or_404
from portal.extensions import db
from portal.forms import parse_dollars
from portal.i18n import LANGUAGES
from portal.models import (
    AllocationScenario,
    EnrollmentImport,
    FundingStream,
    InvestmentCategory,
    NeedGroup,
    Role,
    School,
)
from portal.models.allocation import Distribution, ScenarioStatus, StreamKind
from portal.permissions import role_required
from portal.services import funding
from portal.services.allocation import ALL_STUDENTS, AllocationError

LEVELS = ("elementary", "middle", "high", "other")
MAX_UPLOAD_BYTES = 1024 * 1024


def _overview(status=200, **extra):
    year = current_year_or_404()
    streams = funding.streams_for(g.district.id, year.id)
    scenarios = list(
        db.session.scalars(
            select(AllocationScenario)
            .where(
                AllocationScenario.district_id == g.district.id,
                AllocationScenario.school_year_id == year.id,
            )
            .order_by(AllocationScenario.id)
        )
    )
    runs = {}
    for scenario in scenarios:
        try:
            runs[scenario.id] = funding.run_scenario(scenario, streams)
        except AllocationError:
            runs[scenario.id] = None
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )
    groups = funding.need_groups(g.district.id)
    enrollment = {
        row.school_id: row.enrollment for row in funding.school_inputs(g.district.id, year.id)
    }
    return render_template(
        "allocation/manage.html",
        year=year,
        groups=groups,
        enrollment=enrollment,
        categories=list(
            db.session.scalars(
                select(InvestmentCategory)
                .where(InvestmentCategory.district_id == g.district.id)
                .order_by(InvestmentCategory.position)
            )
        ),
        streams=streams,
        scenarios=scenarios,
        runs=runs,
        schools=schools,
        languages=LANGUAGES,
        distributions=list(Distribution),
        kinds=list(StreamKind),
        errors=extra.pop("errors", {}),
        form=extra.pop("form", None) or MultiDict(),
        **extra,
    ), status


@bp.get("/manage/allocation")
@role_required(Role.DISTRICT)
def manage_index():
    """Funding streams, enrollment and scenarios for the current school year."""
    return _overview()


@bp.post("/manage/allocation/streams")
@role_required(Role.DISTRICT)
def add_stream():
    """Add a funding stream."""
    form, errors = request.form, {}
    name = {c: v for c in LANGUAGES if (v := (form.get(f"name_{c}") or "").strip()[:200])}
    restriction = {
        c: v for c in LANGUAGES if (v := (form.get(f"restriction_{c}") or "").strip()[:500])
    }
    revenue = parse_dollars(form.get("revenue"))
    grant = parse_dollars(form.get("grant") or "0")
    if not name.get(g.district.default_locale):
        errors["name"] = _("Name the funding stream in the district's main language.")
    if form.get("kind") not in {k.value for k in StreamKind}:
        errors["kind"] = _("Choose a kind.")
    if form.get("distribution") not in {d.value for d in Distribution}:
        errors["distribution"] = _("Choose how it reaches schools.")
    if revenue is None:
        errors["revenue"] = _("Enter an amount in dollars, such as 1,250,000.")
    if grant is None:
        errors["grant"] = _("Enter an amount in dollars, such as 25,000.")
    if form.get("kind") == StreamKind.RESTRICTED and not restriction.get(g.district.default_locale):
        errors["restriction"] = _("Say in one sentence what restricted money may pay for.")
    if errors:
        return _overview(422, errors=errors, form=form)
    school_ids = [int(v) for v in form.getlist("eligible") if v.isdigit()]
    category_ids = [int(v) for v in form.getlist("allowed_category") if v.isdigit()]
    stream = FundingStream(
        district_id=g.district.id,
        school_year_id=current_year_or_404().id,
        name=name,
        kind=form["kind"],
        restriction=restriction,
        revenue_cents=revenue,
        distribution=form["distribution"],
        grant_cents=grant,
        source_locale=g.district.default_locale,
        eligible_schools=list(
            db.session.scalars(
                select(School).where(School.id.in_(school_ids), School.district_id == g.district.id)
            )
        ),
        allowed_categories=list(
            db.session.scalars(
                select(InvestmentCategory).where(
                    InvestmentCategory.id.in_(category_ids),
                    InvestmentCategory.district_id == g.district.id,
                )
            )
        )
        if form["kind"] == StreamKind.RESTRICTED
        else [],
    )
    db.session.add(stream)
    db.session.commit()
    flash(_("Funding stream added."), "success")
    return redirect(url_for("allocation.manage_index"), code=303)


@bp.post("/manage/allocation/groups")
@role_required(Role.DISTRICT)
def add_need_group():
    """Add a need group (foster youth, gifted ...) with its own weight column."""
    form, errors = request.form, {}
    key = (form.get("key") or "").strip().lower()
    name = {c: v for c in LANGUAGES if (v := (form.get(f"group_name_{c}") or "").strip()[:120])}
    existing = funding.need_groups(g.district.id)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key) or key == ALL_STUDENTS:
        errors["key"] = _(
            "Use a short column name of lowercase letters, digits and _, such as foster."
        )
    elif any(group.key == key for group in existing):
        errors["key"] = _("There is already a group with this column name.")
    if not name.get(g.district.default_locale):
        errors["group_name"] = _("Name the group in the district's main language.")
    if errors:
        return _overview(422, errors=errors, form=form)
    db.session.add(
        NeedGroup(
            district_id=g.district.id,
            key=key,
            name=name,
            source_locale=g.district.default_locale,
            position=max((group.position for group in existing), default=0) + 1,
        )
    )
    db.session.commit()
    flash(_("Need group added. Give it a weight in a scenario."), "success")
    return redirect(url_for("allocation.manage_index"), code=303)


@bp.post("/manage/allocation/streams/<int:stream_id>/delete")
@role_required(Role.DISTRICT)
def delete_stream(stream_id: int):
    """Remove a funding stream."""
    stream = district_row_or_404(FundingStream, stream_id)
    db.session.delete(stream)
    db.session.commit()
    flash(_("Funding stream removed."), "success")
    return redirect(url_for("allocation.manage_index"), code=303)


@bp.post("/manage/allocation/enrollment")
@role_required(Role.DISTRICT)
def upload_enrollment():
    """Read an enrollment file and show a preview; nothing is saved yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _overview(422, errors={"file": _("Choose a CSV or XLSX file.")})
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _overview(422, errors={"file": _("The file is larger than 1 MB.")})
    schools = list(db.session.scalars(select(School).where(School.district_id == g.district.id)))
    keys = [group.key for group in funding.need_groups(g.district.id)]
    rows, problems = funding.parse_enrollment(data, upload.filename, schools, keys)
    staged = None
    if not problems:
        staged = EnrollmentImport(
            district_id=g.district.id,
            school_year_id=current_year_or_404().id,
            uploaded_by_id=current_user.id,
            filename=upload.filename[:200],
            rows=rows,
        )
        db.session.add(staged)
        db.session.commit()
    names = {s.id: s.name for s in schools}
    return render_template(
        "allocation/import_preview.html",
        rows=rows,
        problems=problems,
        staged=staged,
        names=names,
        keys=[ALL_STUDENTS, *keys],
        filename=upload.filename,
    ), 422 if problems else 200


@bp.post("/manage/allocation/enrollment/<int:import_id>/apply")
@role_required(Role.DISTRICT)
def apply_enrollment(import_id: int):
    """Save a previewed enrollment file, all rows in one transaction."""
    staged = district_row_or_404(EnrollmentImport, import_id)
    if staged.applied:
        flash(_("This file was already imported."), "error")
        return redirect(url_for("allocation.manage_index"), code=303)
    count = funding.apply_enrollment(staged.school_year_id, staged.rows)
    staged.applied = True
    db.session.commit()
    flash(_("Enrollment saved for %(num)d schools.", num=count), "success")
    return redirect(url_for("allocation.manage_index"), code=303)


@bp.post("/manage/allocation/scenarios")
@role_required(Role.DISTRICT)
def add_scenario():
    """A new scenario, copied from an existing one (or empty)."""
    source = request.form.get("copy_of", "")
    base = district_row_or_404(AllocationScenario, int(source)) if source.isdigit() else None
    name = (request.form.get("name") or "").strip()[:120] or _("New scenario")
    scenario = AllocationScenario(
        district_id=g.district.id,
        school_year_id=current_year_or_404().id,
        name=name,
        weights={lv: dict(v) for lv, v in (base.weights if base else {}).items()},
        central_share_bp=base.central_share_bp if base else 0,
        minimum_cents=base.minimum_cents if base else 0,
        hold_harmless=base.hold_harmless if base else False,
        status=ScenarioStatus.DRAFT.value,
    )
    db.session.add(scenario)
    db.session.commit()
    return redirect(url_for("allocation.edit_scenario", scenario_id=scenario.id), code=303)


@bp.route("/manage/allocation/scenarios/<int:scenario_id>", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def edit_scenario(scenario_id: int):
    """The weights matrix, central share, minimum budget and hold harmless of a scenario."""
    scenario = district_row_or_404(AllocationScenario, scenario_id)
    groups = [ALL_STUDENTS, *[group.key for group in funding.need_groups(g.district.id)]]
    errors = {}
    if request.method == "POST":
        weights = {}
        for level in LEVELS:
            for key in groups:
                raw = request.form.get(f"w-{level}-{key}", "")
                if raw.strip() == "":
                    continue
                cents = parse_dollars(raw)
                if cents is None:
                    errors[f"w-{level}-{key}"] = _("Enter dollars per pupil, such as 3,741.")
                else:
                    weights.setdefault(level, {})[key] = cents
        central = (request.form.get("central_share") or "0").strip().rstrip("%").strip()
        try:
            central_bp = int((Decimal(central) * 100).to_integral_exact())
        except InvalidOperation:
            central_bp = -1
        if not 0 <= central_bp <= 10000:
            errors["central_share"] = _("Enter a percentage from 0 to 100.")
        minimum = parse_dollars(request.form.get("minimum") or "0")
        if minimum is None:
            errors["minimum"] = _("Enter an amount in dollars, such as 250,000.")
        name = (request.form.get("name") or "").strip()[:120]
        if not name:
            errors["name"] = _("Enter a name.")
        if not errors:
            scenario.name, scenario.weights = name, weights
            scenario.central_share_bp, scenario.minimum_cents = central_bp, minimum
            scenario.hold_harmless = bool(request.form.get("hold_harmless"))
            db.session.commit()
            flash(_("Scenario saved."), "success")
            return redirect(url_for("allocation.edit_scenario", scenario_id=scenario.id), code=303)
    try:
        result, pool = funding.run_scenario(scenario)
        problem = None
    except AllocationError:
        result = pool = None
        problem = _(
            "The minimum budgets and hold-harmless amounts cost more than the money available."
        )
    schools = {
        s.id: s
        for s in db.session.scalars(select(School).where(School.district_id == g.district.id))
    }
    return render_template(
        "allocation/scenario.html",
        scenario=scenario,
        groups=groups,
        group_names={n.key: n for n in funding.need_groups(g.district.id)},
        levels=LEVELS,
        errors=errors,
        form=request.form if errors else None,
        result=result,
        pool=pool,
        problem=problem,
        schools=schools,
    ), 422 if errors else 200


@bp.post("/manage/allocation/scenarios/<int:scenario_id>/status")
@role_required(Role.DISTRICT)
def scenario_status(scenario_id: int):
    """Adopt a scenario, publish it as "what you would receive", or take it back to draft."""
    scenario = district_row_or_404(AllocationScenario, scenario_id)
    wanted = request.form.get("status", "")
    if wanted == ScenarioStatus.ADOPTED:
        funding.set_adopted(scenario)
    elif wanted in (ScenarioStatus.WHAT_IF, ScenarioStatus.DRAFT):
        scenario.status = wanted
    else:
        abort(400)
    db.session.commit()
    flash(_("Scenario status saved."), "success")
    return redirect(url_for("allocation.manage_index"), code=303)
