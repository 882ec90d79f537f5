"""The demo district: realistic enough to click through, safe to load twice.

It is built through the portal's own services and model transitions, in the order things
happen (plans are shared, then approved by their council's vote; bulletins are published on
their day), so every page shows the same facts. What the demo says is in portal/demo/content/;
how each domain is built is in the modules beside this one."""

from sqlalchemy import select

from portal.demo.allocation import load_allocation_demo
from portal.demo.bulletins import load_bulletins_demo
from portal.demo.committees import load_committees_demo
from portal.demo.content.district import DISTRICT, SCHOOL_AREAS, SCHOOLS, USERS, YEARS
from portal.demo.planning import load_planning_demo
from portal.demo.readiness import load_readiness_demo
from portal.demo.surveys import load_survey_demo
from portal.extensions import db
from portal.models import District, Role, School, SchoolYear, User
from portal.services import schools
from portal.services.accounts import set_roles

# The one password below the policy (portal.services.passwords: 12+ characters): a published
# demo credential for laptop demos, hashed like any other (argon2id) but not policy-checked;
# `flask demo` is for development only.
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential, demo data only


def demo_email(role: Role) -> str:
    return f"{role.value}@demo.test"


def _district() -> District:
    district = db.session.scalars(select(District).where(District.slug == DISTRICT["slug"])).first()
    if district is None:
        district = District(slug=DISTRICT["slug"])
        db.session.add(district)
    district.name = DISTRICT["name"]
    district.tagline = dict(DISTRICT["tagline"])
    district.default_locale = "en"
    district.source_locale = "en"
    district.timezone = "America/Los_Angeles"
    db.session.flush()
    return district


def _schools(district) -> dict[str, School]:
    """The demo's schools, added (with their short links) or updated as the district settings
    page does it; the CLI is the actor."""
    by_slug = {}
    for slug, name, level, address, enrollment, description in SCHOOLS:
        details = {
            "name": name,
            "slug": slug,
            "level": level,
            "address": address,
            "area": SCHOOL_AREAS.get(slug, ""),
            "enrollment": enrollment,
            "source_locale": "en",
            "description": dict(description),
        }
        school = schools.school_by_slug(slug)
        if school is None:
            school = schools.create_school(district, None, **details)
        else:
            schools.update_school(school, None, **details)
        by_slug[slug] = school
    db.session.flush()
    return by_slug


def _years(district) -> None:
    for label, start, end, current in YEARS:
        year = db.session.scalars(
            select(SchoolYear).where(
                SchoolYear.district_id == district.id, SchoolYear.label == label
            )
        ).first()
        if year is None:
            year = SchoolYear(district_id=district.id, label=label)
            db.session.add(year)
        year.starts_on, year.ends_on, year.is_current = start, end, current
    db.session.flush()


def _accounts(by_slug) -> dict[Role, User]:
    users = {}
    for role, name, school_slugs in USERS:
        email = demo_email(role)
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, name=name)
            db.session.add(user)
        user.name = name
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        set_roles(user, [role.value], [by_slug[s].id for s in school_slugs])
        users[role] = user
    db.session.flush()
    return users


def load_demo() -> list[tuple[str, Role]]:
    """Create or refresh the demo district. Returns (e-mail, role) for each demo user."""
    district = _district()
    by_slug = _schools(district)
    _years(district)
    current_survey = load_survey_demo(district.id)
    users = _accounts(by_slug)
    load_readiness_demo(district, current_survey, users[Role.FACILITATOR])
    load_allocation_demo(district, users[Role.DISTRICT])
    load_planning_demo(district)
    load_bulletins_demo(district, users[Role.COMMS])
    # The principal of the two schools with councils runs their meetings and answers comments.
    load_committees_demo(district, users[Role.PRINCIPAL])
    db.session.commit()
    return [(demo_email(role), role) for role, _name, _schools in USERS]
