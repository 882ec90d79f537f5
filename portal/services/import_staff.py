"""Staff accounts read from a file (see district_imports.py): name, e-mail, role, school. A row
matches an account by its e-mail address. A new account gets no password: it is sent an
invitation to choose one. An existing account keeps every role it has and gains the row's."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import RoleGrant, School, User
from portal.models.accounts import ROLE_LABELS, SCHOOL_SCOPED_ROLES, Role
from portal.services.accounts import normalize_email
from portal.services.audit import record_audit
from portal.services.district_imports import Column, ImportProblem
from portal.services.errors import Rejected

COLUMNS = (
    Column("name", ("full name", "staff name"), True, _l("The person's full name.")),
    Column("email", ("e-mail", "email address", "e-mail address"), True, _l("Work e-mail.")),
    Column(
        "role",
        ("roles",),
        True,
        _l("district, comms, principal, council or facilitator (or the role's name)."),
    ),
    Column(
        "school",
        ("schools", "school name"),
        False,
        _l("For a principal or committee member: the school (several: separate with ;)."),
    ),
    Column(
        "language",
        ("preferred language", "locale"),
        False,
        _l("The language of their invitation and pages: en, es, zh-Hans, vi, ar (or its name)."),
    ),
)
EXAMPLE = ("Ana Ruiz", "ana.ruiz@district.example", "principal", "Maple Elementary", "es")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IMPORTABLE = [role for role in Role if role is not Role.ADMIN]


def parse_role(text: str) -> Role | None:
    wanted = (text or "").strip().lower()
    for role in Role:
        if wanted in (role.value, str(ROLE_LABELS[role]).lower()):
            return role
    return None


def parse_language(text: str) -> str | None:
    """A language's code from its code, tag or own name, any case ("zh-hans", "Español")."""
    wanted = (text or "").strip().lower()
    for lang in LANGUAGES.values():
        if wanted in (lang.code.lower(), lang.tag.lower(), lang.native_name.lower()):
            return lang.code
    return None


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def check(district, rows):
    """(rows to stage, rows to show, problems) for the file's rows."""
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    by_key = {s.slug: s for s in schools} | {s.name.strip().lower(): s for s in schools}
    checked, display, problems, seen = [], [], [], {}
    for number, cells in rows:
        bad = []
        name, email = cells.get("name", ""), normalize_email(cells.get("email", ""))
        role = parse_role(cells.get("role", ""))
        school_names = [s.strip() for s in cells.get("school", "").split(";") if s.strip()]
        found = [by_key.get(s.lower()) for s in school_names]
        if not name:
            bad.append(_("Enter the person's name."))
        if not EMAIL.match(email):
            bad.append(_("Enter an e-mail address such as name@school.org."))
        elif email in seen:
            bad.append(_("This e-mail address is already on row %(row)s.", row=seen[email]))
        seen.setdefault(email, number)
        if role is Role.ADMIN:
            bad.append(_("Administrators are not imported: add them under Accounts and roles."))
        elif role is None:
            bad.append(
                _(
                    "Unknown role: “%(value)s”. Use %(roles)s.",
                    value=cells.get("role", ""),
                    roles=", ".join(r.value for r in IMPORTABLE),
                )
            )
        for text, school in zip(school_names, found, strict=True):
            if school is None:
                bad.append(_("Unknown school: %(name)s.", name=text))
        if role in SCHOOL_SCOPED_ROLES and not school_names:
            bad.append(_("A principal or committee member needs a school."))
        if role is not None and role not in SCHOOL_SCOPED_ROLES and school_names:
            bad.append(_("This role is not for one school: leave the school empty."))
        locale = district.default_locale
        if cells.get("language"):
            locale = parse_language(cells["language"])
            if locale is None:
                bad.append(
                    _(
                        "Unknown language: “%(value)s”. Use %(codes)s.",
                        value=cells["language"],
                        codes=", ".join(lang.tag for lang in LANGUAGES.values()),
                    )
                )
        account = db.session.scalars(select(User).where(User.email == email)).first()
        if account is not None and name and not _same_name(account.name, name):
            bad.append(
                _(
                    "This e-mail address belongs to another person's account (%(name)s).",
                    name=account.name,
                )
            )
        problems.extend(ImportProblem(number, message) for message in bad)
        if bad:
            continue
        school_ids = sorted({s.id for s in found if s is not None})
        row = {
            "row": number,
            "user_id": account.id if account else None,
            "name": name[:200],
            "email": email,
            "role": role.value,
            "school_ids": school_ids,
            "locale": locale,
        }
        checked.append(row)
        display.append(
            {
                "row": number,
                "cells": [row["name"], email, role.label, "; ".join(school_names)],
                "action": "create" if account is None else _action(account, row),
            }
        )
    return checked, display, problems


def _wanted(row) -> set[tuple]:
    if row["role"] in {r.value for r in SCHOOL_SCOPED_ROLES}:
        return {(row["role"], sid) for sid in row["school_ids"]}
    return {(row["role"], None)}


def _action(account: User, row) -> str:
    have = {(g.role, g.school_id) for g in account.grants}
    return "unchanged" if _wanted(row) <= have else "update"


def apply(district, actor, rows) -> dict:
    """Create the new accounts (each sent an invitation) and add the file's roles to the
    existing ones (the caller commits)."""
    from portal.services.invitations import add_account

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        account = db.session.scalars(select(User).where(User.email == row["email"])).first()
        if row["user_id"] is None and account is not None:
            raise Rejected(
                {},
                _(
                    "Since the preview, an account was added with an address in this file. "
                    "Check the file again."
                ),
            )
        if account is None:
            # The admin's own "add account": no password, set_roles, audited, then the
            # invitation (invite_user) in the account's language.
            add_account(
                actor,
                name=row["name"],
                email=row["email"],
                preferred_locale=row["locale"],
                roles=[row["role"]],
                school_ids=row["school_ids"],
            )
            counts["created"] += 1
            continue
        missing = _wanted(row) - {(g.role, g.school_id) for g in account.grants}
        if not missing:
            counts["unchanged"] += 1
            continue
        before = sorted(
            f"{g.role}@{g.school_id}" if g.school_id else g.role for g in account.grants
        )
        # Added one by one (not set_roles, which replaces): an import never takes a role away.
        account.grants.extend(
            RoleGrant(role=r, school_id=sid) for r, sid in sorted(missing, key=str)
        )
        db.session.flush()
        after = sorted(f"{g.role}@{g.school_id}" if g.school_id else g.role for g in account.grants)
        record_audit(
            actor, "account.roles_changed", "user", account.id, {"before": before, "after": after}
        )
        counts["updated"] += 1
    return counts
