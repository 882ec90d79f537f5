"""Bulletin's transitions: every legal move and every illegal one, as plain model calls."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import Bulletin
from portal.models.base import IllegalMove
from portal.models.bulletins import BulletinStatus

NOW = datetime(2026, 11, 10, 16, tzinfo=UTC)
LATER = NOW + timedelta(days=2)
FIRST = datetime(2026, 9, 1, 16, tzinfo=UTC)


def _in(status: BulletinStatus) -> Bulletin:
    """A bulletin that got to `status` the way the screens get it there."""
    bulletin = Bulletin(status=BulletinStatus.DRAFT.value, slug="b", title={"en": "T"})
    if status == BulletinStatus.SCHEDULED:
        bulletin.schedule(LATER)
    elif status in (BulletinStatus.PUBLISHED, BulletinStatus.ARCHIVED):
        bulletin.publish(FIRST)
        if status == BulletinStatus.ARCHIVED:
            bulletin.archive()
    return bulletin


LEGAL = [
    # (from, move, to)
    (BulletinStatus.DRAFT, "publish", BulletinStatus.PUBLISHED),
    (BulletinStatus.DRAFT, "schedule", BulletinStatus.SCHEDULED),
    (BulletinStatus.SCHEDULED, "schedule", BulletinStatus.SCHEDULED),  # a new time
    (BulletinStatus.SCHEDULED, "publish", BulletinStatus.PUBLISHED),  # now, or when due
    (BulletinStatus.SCHEDULED, "unschedule", BulletinStatus.DRAFT),
    (BulletinStatus.PUBLISHED, "archive", BulletinStatus.ARCHIVED),
    (BulletinStatus.PUBLISHED, "publish", BulletinStatus.PUBLISHED),  # changes nothing
    (BulletinStatus.ARCHIVED, "publish", BulletinStatus.PUBLISHED),  # back online
]
ILLEGAL = [
    (BulletinStatus.DRAFT, "archive"),  # never online: nothing to archive
    (BulletinStatus.DRAFT, "unschedule"),
    (BulletinStatus.SCHEDULED, "archive"),
    (BulletinStatus.PUBLISHED, "schedule"),  # it is out already
    (BulletinStatus.PUBLISHED, "unschedule"),
    (BulletinStatus.ARCHIVED, "archive"),
    (BulletinStatus.ARCHIVED, "schedule"),
    (BulletinStatus.ARCHIVED, "unschedule"),
]


def _move(bulletin: Bulletin, move: str):
    if move == "publish":
        return bulletin.publish(NOW)
    if move == "schedule":
        return bulletin.schedule(LATER + timedelta(hours=1))
    return getattr(bulletin, move)()


@pytest.mark.parametrize("start, move, end", LEGAL, ids=lambda v: str(v))
def test_legal_moves(start, move, end):
    bulletin = _in(start)
    _move(bulletin, move)
    assert bulletin.status == end


@pytest.mark.parametrize("start, move", ILLEGAL, ids=lambda v: str(v))
def test_illegal_moves_raise_and_change_nothing(start, move):
    bulletin = _in(start)
    before = (bulletin.status, bulletin.publish_at, bulletin.published_at)
    with pytest.raises(IllegalMove) as refused:
        _move(bulletin, move)
    assert str(refused.value)  # a message for the 409 page
    assert (bulletin.status, bulletin.publish_at, bulletin.published_at) == before


def test_every_status_and_move_is_listed():
    listed = {(s, m) for s, m, _ in LEGAL} | set(ILLEGAL)
    moves = ("publish", "schedule", "unschedule", "archive")
    assert listed == {(s, m) for s in BulletinStatus for m in moves}


def test_publishing_says_when_it_is_the_first_time_and_keeps_the_first_day():
    bulletin = _in(BulletinStatus.DRAFT)
    assert bulletin.publish(FIRST) is True  # e-mails go out now
    bulletin.archive()
    assert bulletin.publish(NOW) is False  # back online: no second e-mail
    assert bulletin.published_at == FIRST and bulletin.publish_at is None


def test_scheduling_keeps_the_time_and_unscheduling_drops_it():
    bulletin = _in(BulletinStatus.DRAFT)
    bulletin.schedule(LATER)
    assert bulletin.publish_at == LATER and bulletin.is_due(LATER)
    assert not bulletin.is_due(NOW)
    bulletin.unschedule()
    assert bulletin.publish_at is None and not bulletin.is_due(LATER)
    scheduled = _in(BulletinStatus.SCHEDULED)
    assert scheduled.publish(NOW) is True
    assert scheduled.published_at == NOW and scheduled.publish_at is None
