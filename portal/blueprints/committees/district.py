"""The district's own committees (DELAC, budget advisory committee, advisory council): their
public list, and the district staff's page to create them. Each committee's own pages (roster,
meetings, agendas, votes, minutes) are the same handlers a school's committee uses."""

from flask import abort, g, redirect, render_template, url_for
from flask_login import current_user

from portal.blueprints.committees import bp
from portal.blueprints.committees.forms import DistrictCommitteeForm
from portal.forms import saved
from portal.permissions import DISTRICT_STAFF, cacheable, role_required
from portal.services import rosters


def _district():
    """This site's district, or 404 while none is set up."""
    if g.district is None:
        abort(404)
    return g.district


@bp.get("/committees")
@cacheable
def district_committees():
    """The district's own committees, with what each does, for anyone."""
    district = _district()
    return render_template(
        "committees/district.html",
        district=district,
        committees=rosters.district_committees(district),
    )


@bp.route("/manage/district/committees", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_district():
    """The district's committees; district staff add a DELAC, a budget advisory committee or
    an advisory council."""
    district = _district()
    form = DistrictCommitteeForm(main_locale=district.default_locale)
    created = []  # the new committee, for its page
    if saved(
        form,
        lambda: created.append(
            rosters.create_committee(None, district, current_user, **form.committee())
        ),
    ):
        return redirect(
            url_for("committees.manage_committee", committee_id=created[0].id), code=303
        )
    return render_template(
        "committees/manage_district.html",
        district=district,
        committees=rosters.district_committees(district),
        form=form,
    ), 422 if form.is_submitted() else 200
