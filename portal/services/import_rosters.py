"""Committee rosters read from a file (see district_imports.py): committee, school (empty for a
district committee), member name, seat, officer, e-mail (optional: the account they vote with),
term start and end. A row matches a member of the committee by e-mail, else by name. The roster
service's rules apply (services/rosters.py): what it refuses, the file may not hold."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Committee, CommitteeMember, School
from portal.models.committees import OFFICER_LABELS, SEAT_LABELS, CommitteeKind
from portal.services import rosters
from portal.services.audit import record_audit
from portal.services.committee_record import english_learner_share
from portal.services.committees import composition_problems
from portal.services.district_imports import Column, ImportProblem
from portal.services.errors import Rejected

COLUMNS = (
    Column("committee", ("committee name",), True, _l("The committee's name, or its kind (ssc).")),
    Column("school", ("school name",), False, _l("The school; empty for a district committee.")),
    Column("name", ("member", "member name"), True, _l("The member's name.")),
    Column(
        "seat",
        ("role", "seat/role", "seat or role"),
        True,
        _l("parent, teacher, staff, student, community or principal."),
    ),
    Column("officer", ("office",), False, _l("chair, secretary or empty.")),
    Column("email", ("e-mail", "email address"), False, _l("The account they vote with.")),
    Column("term_start", ("start", "term start", "from"), True, _l("A date: 2026-09-01.")),
    Column("term_end", ("end", "term end", "until"), False, _l("A date, or empty.")),
    Column(
        "english_learner_parent",
        ("parent of english learner", "parent of an english learner", "el parent"),
        False,
        _l("yes when the member is the parent of an English learner (ELAC, DELAC rules)."),
    ),
)
YES, NO = {"yes", "y", "true", "1", "x", "sí", "si"}, {"no", "n", "false", "0"}
EXAMPLE = (
    "School Site Council",
    "Maple Elementary",
    "Rosa Diaz",
    "parent",
    "chair",
    "",
    "2026-09-01",
    "2028-06-30",
    "no",
)
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_date(text: str) -> date | None:
    """2026-09-01 (or an XLSX date cell, read as "2026-09-01 00:00:00")."""
    found = DATE.match((text or "").strip())
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _pick(labels: dict, text: str) -> str | None:
    wanted = (text or "").strip().lower()
    for value, label in labels.items():
        if wanted in (value.value, str(label).lower()):
            return value.value
    return None


def _committee_keys(committee: Committee) -> set[str]:
    names = {text.strip().lower() for text in (committee.name or {}).values() if text}
    kind = CommitteeKind(committee.kind)
    return names | {kind.value, str(kind.label).lower()}


def check(district, rows):
    """(rows to stage, rows to show, problems) for the file's rows."""
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    by_school = {s.slug: s for s in schools} | {s.name.strip().lower(): s for s in schools}
    committees = list(
        db.session.scalars(select(Committee).where(Committee.district_id == district.id))
    )
    checked, display, problems, seen, offices = [], [], [], {}, {}
    for number, cells in rows:
        bad = []
        school_text, committee_text = cells.get("school", ""), cells.get("committee", "")
        school = by_school.get(school_text.lower()) if school_text else None
        committee = None
        if school_text and school is None:
            bad.append(_("Unknown school: %(name)s.", name=school_text))
        else:
            matches = [
                c
                for c in committees
                if c.school_id == (school.id if school else None)
                and committee_text.lower() in _committee_keys(c)
            ]
            if len(matches) == 1:
                committee = matches[0]
            elif matches:
                bad.append(_("Two committees have this name: use its full name."))
            else:
                bad.append(
                    _(
                        "Unknown committee: %(name)s. Add it on the committees page first.",
                        name=committee_text,
                    )
                )
        name, email = cells.get("name", "")[: rosters.MEMBER_NAME_LENGTH], cells.get("email", "")
        seat = _pick(SEAT_LABELS, cells.get("seat", ""))
        officer = _pick(OFFICER_LABELS, cells.get("officer", "")) if cells.get("officer") else ""
        start, end = parse_date(cells.get("term_start", "")), None
        if not name:
            bad.append(str(rosters.NAME_NEEDED))
        if seat is None:
            bad.append(
                _(
                    "Unknown seat: “%(value)s”. Use parent, teacher, staff, student, community "
                    "or principal.",
                    value=cells.get("seat", ""),
                )
            )
        if officer is None or cells.get("officer", "").lower() == "none":
            officer = "" if cells.get("officer", "").lower() == "none" else None
        if officer is None:
            bad.append(str(rosters.OFFICER_NEEDED))
        if start is None:
            bad.append(_("Term start: enter a date such as 2026-09-01."))
        if cells.get("term_end"):
            end = parse_date(cells["term_end"])
            if end is None:
                bad.append(_("Term end: enter a date such as 2028-06-30, or leave it empty."))
            elif start is not None and end < start:
                bad.append(str(rosters.END_AFTER_START))
        el_text = cells.get("english_learner_parent", "").lower()
        el_parent = True if el_text in YES else False if el_text in NO else None
        if el_text and el_parent is None:
            bad.append(_("Parent of an English learner: write yes or no, or leave it empty."))
        account = rosters.account_by_email(email) if email else None
        if email and account is None:
            bad.append(str(rosters.NO_ACCOUNT))
        if committee is not None and name:
            key = (committee.id, account.id if account else name.lower())
            if key in seen:
                bad.append(_("This member is already on row %(row)s.", row=seen[key]))
            seen.setdefault(key, number)
            if officer and (committee.id, officer) in offices:
                bad.append(
                    _(
                        "The committee's %(office)s is already on row %(row)s.",
                        office=officer,
                        row=offices[(committee.id, officer)],
                    )
                )
            if officer:
                offices.setdefault((committee.id, officer), number)
        problems.extend(ImportProblem(number, message) for message in bad)
        if bad:
            continue
        member = _existing(committee, account, name)
        row = {
            "row": number,
            "committee_id": committee.id,
            "member_id": member.id if member else None,
            "name": name,
            "seat": seat,
            "officer": officer,
            "email": email,
            "term_start": start.isoformat(),
            "term_end": end.isoformat() if end else None,
            "el_parent": el_parent,
        }
        checked.append(row)
        committee_name = committee.name.get(district.default_locale) or next(
            iter(committee.name.values()), ""
        )
        display.append(
            {
                "row": number,
                "cells": [
                    committee_name + (f" · {school.name}" if school else ""),
                    name,
                    SEAT_LABELS[seat]
                    if not officer
                    else f"{SEAT_LABELS[seat]}, {OFFICER_LABELS[officer]}",
                    f"{row['term_start']} – {row['term_end'] or ''}",
                ],
                "action": "create"
                if member is None
                else ("update" if _changes(member, row) else "unchanged"),
            }
        )
    return checked, display, problems


def _existing(committee: Committee, account, name: str) -> CommitteeMember | None:
    for member in committee.members:
        if account is not None and member.user_id == account.id:
            return member
    for member in committee.members:
        if member.name.strip().lower() == name.lower():
            return member
    return None


def _changes(member: CommitteeMember, row) -> dict:
    wanted = {
        "name": row["name"],
        "seat": row["seat"],
        "officer": row["officer"],
        "term_start": date.fromisoformat(row["term_start"]),
        "term_end": date.fromisoformat(row["term_end"]) if row["term_end"] else None,
    }
    if row.get("el_parent") is not None:
        wanted["parent_of_english_learner"] = row["el_parent"]
    return {key: value for key, value in wanted.items() if getattr(member, key) != value}


def warnings(district, rows) -> list[tuple[Committee, list[str]]]:
    """The committees whose roster would not meet the composition rules after the import, with
    the rules' codes (shown as on the roster page: a warning, not a refusal, since the roster
    service seats such members too)."""
    today = datetime.now(ZoneInfo(district.timezone)).date()
    found = []
    for committee_id in sorted({row["committee_id"] for row in rows}):
        committee = db.session.get(Committee, committee_id)
        mine = [row for row in rows if row["committee_id"] == committee_id]
        replaced = {row["member_id"] for row in mine if row["member_id"]}
        by_id = {m.id: m for m in committee.members}
        seats = [
            (m.seat, m.parent_of_english_learner, m.district_employee)
            for m in committee.members
            if m.id not in replaced and m.seated_on(today)
        ]
        for row in mine:
            start = date.fromisoformat(row["term_start"])
            end = date.fromisoformat(row["term_end"]) if row["term_end"] else None
            if start <= today and (end is None or today <= end):
                old = by_id.get(row["member_id"])
                el = row["el_parent"]
                if el is None:
                    el = old.parent_of_english_learner if old else False
                seats.append((row["seat"], el, old.district_employee if old else False))
        codes = composition_problems(
            committee.kind, seats, english_learner_share(district.id, committee.school_id)
        )
        if codes:
            found.append((committee, codes))
    return found


def apply(district, actor, rows) -> dict:
    """Seat the new members through the roster service and update the ones the file changes
    (the caller commits)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        committee = db.session.get(Committee, row["committee_id"])
        if committee is None or committee.district_id != district.id:
            raise Rejected({}, _("A committee in the file was removed since the preview."))
        member = db.session.get(CommitteeMember, row["member_id"]) if row["member_id"] else None
        if member is None:
            rosters.add_member(
                committee,
                actor,
                name=row["name"],
                seat=row["seat"],
                officer=row["officer"],
                email=row["email"],
                term_start=date.fromisoformat(row["term_start"]),
                term_end=date.fromisoformat(row["term_end"]) if row["term_end"] else None,
                parent_of_english_learner=bool(row.get("el_parent")),
            )
            counts["created"] += 1
            continue
        changes = _changes(member, row)
        if not changes:
            counts["unchanged"] += 1
            continue
        for key, value in changes.items():
            setattr(member, key, value)
        record_audit(
            actor, "member.saved", "committee", committee.id, {"name": member.name, "import": 1}
        )
        counts["updated"] += 1
    db.session.flush()
    return counts
