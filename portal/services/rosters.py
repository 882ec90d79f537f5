"""Committees and their rosters: creating a school's committee of one of the guidebook's kinds
or one of the district's own (DELAC, budget advisory committee, advisory council), seating
members, and the committee's quorum rule."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Committee, CommitteeMember, User
from portal.models.committees import DISTRICT_KINDS, SCHOOL_KINDS, CommitteeKind, Officer, Seat
from portal.services.audit import record_audit
from portal.services.errors import Rejected

NAME_LENGTH, PURPOSE_LENGTH, MEMBER_NAME_LENGTH = 200, 1000, 200
KIND_NEEDED = _l("Choose the kind of committee.")
PURPOSE_NEEDED = _l("Say what the committee does, in plain words.")
NO_ACCOUNT = _l("No account has this e-mail address.")
NAME_NEEDED = _l("Enter the member's name.")
SEAT_NEEDED = _l("Choose the seat.")
OFFICER_NEEDED = _l("Choose an officer role or none.")
START_NEEDED = _l("Enter a date such as 2026-09-01.")
END_AFTER_START = _l("Enter an end date after the start, or leave it empty.")
QUORUM_RANGE = (1, 99)
QUORUM_NEEDED = _l("Enter a whole number from 1 to 99.")


def committees_of(school) -> list[Committee]:
    """A school's committees."""
    return list(db.session.scalars(select(Committee).where(Committee.school_id == school.id)))


def district_committees(district) -> list[Committee]:
    """The district's own committees (no school), in the order they were created."""
    return list(
        db.session.scalars(
            select(Committee)
            .where(Committee.district_id == district.id, Committee.school_id.is_(None))
            .order_by(Committee.id)
        )
    )


def create_committee(school, district, actor, *, kind: str, name: dict, purpose: dict) -> Committee:
    """A committee of one of the guidebook's kinds: a school's (`school` given, a school kind)
    or the district's own (`school` None, a district kind such as the DELAC). Its purpose is
    written at least in the district's main language; with no name in it, the kind's name (in
    the writer's language) is used."""
    main = district.default_locale
    problems = {}
    allowed = SCHOOL_KINDS if school is not None else DISTRICT_KINDS
    if kind not in {k.value for k in allowed}:
        problems["kind"] = KIND_NEEDED
    if not purpose.get(main):
        problems["purpose"] = PURPOSE_NEEDED
    if problems:
        raise Rejected(problems)
    name = dict(name)
    if not name.get(main):
        name[main] = str(CommitteeKind(kind).label)
    committee = Committee(
        district_id=district.id,
        school_id=school.id if school is not None else None,
        kind=kind,
        name=name,
        purpose=dict(purpose),
        source_locale=main,
    )
    db.session.add(committee)
    db.session.flush()
    record_audit(actor, "committee.added", "committee", committee.id, {"kind": kind})
    return committee


def account_by_email(email: str) -> User | None:
    """The portal account with this address (any case), through which a member votes."""
    address = (email or "").strip().lower()
    return (
        db.session.scalars(select(User).where(User.email == address)).first() if address else None
    )


def add_member(
    committee: Committee,
    actor,
    *,
    name: str,
    seat: str,
    term_start: date | None,
    term_end: date | None = None,
    officer: str = "",
    email: str = "",
    name_public: bool = False,
    parent_of_english_learner: bool = False,
    district_employee: bool = False,
) -> CommitteeMember:
    """Seat a member for a term. `email` names the portal account they vote with, if any; their
    name is public only with `name_public` (their consent)."""
    name = (name or "").strip()[:MEMBER_NAME_LENGTH]
    account = account_by_email(email) if email else None
    problems = {}
    if not name:
        problems["name"] = NAME_NEEDED
    if seat not in {s.value for s in Seat}:
        problems["seat"] = SEAT_NEEDED
    if officer not in {o.value for o in Officer}:
        problems["officer"] = OFFICER_NEEDED
    if term_start is None:
        problems["term_start"] = START_NEEDED
    elif term_end is not None and term_end < term_start:
        problems["term_end"] = END_AFTER_START
    if email and account is None:
        problems["email"] = NO_ACCOUNT
    if problems:
        raise Rejected(problems)
    member = CommitteeMember(
        name=name,
        seat=seat,
        officer=officer,
        term_start=term_start,
        term_end=term_end,
        user_id=account.id if account else None,
        name_public=bool(name_public),
        parent_of_english_learner=bool(parent_of_english_learner),
        district_employee=bool(district_employee),
    )
    committee.members.append(member)
    record_audit(actor, "member.added", "committee", committee.id, {"name": name, "seat": seat})
    return member


def set_quorum(committee: Committee, actor, percent: int | None) -> None:
    """The committee's quorum: more than `percent` % of its seated members present."""
    low, high = QUORUM_RANGE
    if percent is None or not low <= percent <= high:
        raise Rejected({"quorum_percent": QUORUM_NEEDED})
    committee.quorum_percent = percent
    record_audit(actor, "committee.quorum", "committee", committee.id, {"quorum_percent": percent})
