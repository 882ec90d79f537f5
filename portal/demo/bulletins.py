"""Demo bulletins, written, reviewed and published the way the bulletin editor does it: each
gets its short link when it is created, its translations are marked reviewed, and it is
published (on its day) or scheduled by the bulletin services. Safe to run again. What they say
is in portal/demo/content/bulletins.py."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.demo.content.bulletins import BULLETINS, SCHEDULED
from portal.extensions import db
from portal.models import Bulletin, School
from portal.models.base import utcnow
from portal.models.bulletins import BulletinStatus
from portal.services import bulletins as service
from portal.services.short_links import ensure_short_link


def _written(district, schools, row) -> Bulletin:
    """The bulletin with this row's slug, created as a draft if new, with the row's text."""
    slug, _when, title, summary, body, sms, school_slugs, links = row
    bulletin = db.session.scalars(select(Bulletin).where(Bulletin.slug == slug)).first()
    if bulletin is None:
        bulletin = Bulletin(slug=slug, district_id=district.id, status=BulletinStatus.DRAFT.value)
        db.session.add(bulletin)
    bulletin.title, bulletin.summary, bulletin.body, bulletin.sms = title, summary, body, sms
    bulletin.links, bulletin.source_locale = links, "en"
    bulletin.schools = [schools[s] for s in school_slugs if s in schools]
    db.session.flush()
    ensure_short_link("bulletin", bulletin.id)  # as create_bulletin does
    for code in title:
        if code != "en":
            service.set_review(bulletin, code, True)
    return bulletin


def load_bulletins_demo(district, actor) -> None:
    """The demo's bulletins; `actor` (communications staff) publishes them."""
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }
    for row in BULLETINS:
        bulletin = _written(district, schools, row)
        service.publish(bulletin, district, row[1], actor)  # on its day; kept when loaded again
    bulletin = _written(district, schools, SCHEDULED)
    if bulletin.status != BulletinStatus.PUBLISHED:
        # Always still to come, whenever the demo is loaded.
        when = max(SCHEDULED[1], utcnow() + timedelta(days=3))
        local = when.astimezone(ZoneInfo(district.timezone))
        service.change_status(
            bulletin,
            district,
            "schedule",
            actor,
            day=local.date(),
            clock=local.time().replace(second=0, microsecond=0),
        )
    db.session.flush()
