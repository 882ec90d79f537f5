"""Followers and events for the notice and digest tests: followers are made as rows (what the
follow form stores), events happen through the real services, which announce them."""

from datetime import UTC, date, datetime, time, timedelta

from portal.extensions import db
from portal.models import District, School, Subscriber
from portal.models.notices import Follow


def follower(district_id: int, email: str, locale="en", follows=(), confirmed=True) -> int:
    """A subscriber following `follows`: (school slug or None for the district, frequency)."""
    row = Subscriber(
        district_id=district_id,
        email=email,
        locale=locale,
        confirmed_at=datetime.now(UTC) if confirmed else None,
    )
    db.session.add(row)
    db.session.flush()
    for slug, frequency in follows:
        school_id = school(slug).id if slug else None
        db.session.add(Follow(subscriber_id=row.id, school_id=school_id, frequency=frequency))
    db.session.commit()
    return row.id


def school(slug: str) -> School:
    return db.session.query(School).filter_by(slug=slug).one()


def meeting(slug="maple-elementary", title=None, day=date(2026, 12, 8)):
    from portal.services.meetings import add_meeting
    from tests import factories

    district = db.session.get(District, school(slug).district_id)
    committee = factories.committee(school(slug))
    row = add_meeting(
        committee,
        district,
        None,
        title=title or {"en": "Budget night", "es": "Noche del presupuesto"},
        day=day,
        starts=time(18),
        place="Library",
    )
    db.session.commit()
    return row


def survey(district_id: int, slug="ssfr-notice"):
    """A draft from the template, published through the editing service (which announces)."""
    from portal.services import survey_editing
    from portal.services.surveys import create_from_template

    now = datetime.now(UTC)
    row = create_from_template(district_id, slug, now - timedelta(days=1), now + timedelta(days=30))
    row.title = {"en": "Family survey", "es": "Encuesta para familias"}
    db.session.flush()
    survey_editing.publish(row, None)
    db.session.commit()
    return row


def bulletin(district_id: int, slug="notice-bulletin", schools=()):
    from portal.models import Bulletin
    from portal.services import bulletins

    row = Bulletin(
        district_id=district_id,
        slug=slug,
        title={"en": "Budget news", "es": "Noticias del presupuesto"},
        body={"en": "Read it.", "es": "Léalo."},
        source_locale="en",
    )
    row.schools = [school(s) for s in schools]
    db.session.add(row)
    db.session.flush()
    bulletins.publish(row, db.session.get(District, district_id), datetime.now(UTC), None)
    db.session.commit()
    return row
