"""Every kind of personal data the portal stores: what, why, who sees it and how long it is kept,
in ONE registry that both the privacy page (/privacy) and `flask purge` read, so the page and
what is actually deleted cannot disagree.

A kind's retention in days is a setting (`setting`, read from the app's config, then the
environment, else `default_days`); `purge` is the function in portal/services/retention_purge.py
that deletes what is past it (None when the data is kept on purpose: the kind's `kept` text says
why). Add a kind here when a model starts keeping something about a person."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.extensions import db
from portal.models.base import utcnow
from portal.services import account_links, follows
from portal.services import retention_purge as purges


@dataclass(frozen=True)
class Kind:
    """One kind of personal data and its rule."""

    key: str
    title: object  # lazy strings: translated when shown
    what: object
    why: object
    who: object
    kept: Callable[[int | None], str]  # the retention in words, given the days
    setting: str | None = None
    default_days: int | None = None
    purge: Callable[[datetime, int | None], dict[str, int]] | None = None
    tables: tuple[str, ...] = ()  # where it is stored (tests check every table is classified)

    def days(self) -> int | None:
        """This installation's retention in days (None: not a matter of days)."""
        if self.setting is None:
            return self.default_days
        value = current_app.config.get(self.setting)
        if value is None:
            value = os.environ.get(self.setting)
        days = int(value) if value not in (None, "") else self.default_days
        if days is not None and days < 0:
            raise ValueError(f"{self.setting} must be 0 or more days")
        return days

    def kept_text(self) -> str:
        return self.kept(self.days())


KINDS: tuple[Kind, ...] = (
    Kind(
        "survey_answers",
        _l("Survey answers"),
        _l(
            "Your answers and only what you choose on the first screen: your role, your school, "
            "your language, how you answered (online, on paper, at a meeting) and the day. Never "
            "your name, e-mail, network address or a cookie. For paper forms, the staff member "
            "who typed the sheet in is recorded, not the person who filled it in."
        ),
        _l("To publish the results and compare them with the next year's survey."),
        _l(
            "District staff who run surveys see the answers and the comments. Everyone else sees "
            "only totals, and only for groups large enough that no one can be singled out."
        ),
        lambda days: str(_l("As long as the district keeps the survey; deleted with it.")),
        tables=("survey_response", "survey_answer"),
    ),
    Kind(
        "staff_accounts",
        _l("Staff and committee accounts"),
        _l(
            "Name, work e-mail address, roles and the schools they apply to, preferred language, "
            "and the password, stored only as a one-way scrambled code no one can read back."
        ),
        _l("So staff and committee members can sign in and do their part."),
        _l(
            "The district's portal administrators. Your name is shown to colleagues next to "
            "what you did, such as a vote or a review comment."
        ),
        lambda days: str(
            _l(
                "Until an administrator deletes the account. A deactivated account cannot sign "
                "in but keeps its name on what it did."
            )
        ),
        tables=("user", "role_grant", "district_import"),
    ),
    Kind(
        "two_factor",
        _l("Two-step sign-in"),
        _l(
            "If two-step sign-in is on for your account: the secret shared with your "
            "authenticator app, and your recovery codes, stored only scrambled."
        ),
        _l("So a stolen password alone cannot open your account."),
        _l("No one: the server only checks the codes you type."),
        lambda days: str(_l("While two-step sign-in is on for your account.")),
        tables=("two_factor_secret", "recovery_code"),
    ),
    Kind(
        "sessions",
        _l("Sign-in sessions"),
        _l(
            "For each device you sign in on: when it signed in, when it was last used and the "
            "name of its browser."
        ),
        _l("So you can see your devices and sign any of them out."),
        _l("You, on your list of signed-in devices, and the portal administrators."),
        lambda days: ngettext(
            "Deleted %(num)d day after the session ends (when you sign out or it times out).",
            "Deleted %(num)d days after the session ends (when you sign out or it times out).",
            days or 0,
        ),
        "SECURITY_RECORD_RETENTION_DAYS",
        30,
        tables=("login_session",),
    ),
    Kind(
        "password_links",
        _l("Password links"),
        _l(
            "The one-time links sent by e-mail to choose a password (an invitation to a new "
            'account, or "Forgot your password?"): whose account, when it was sent, when it '
            "expires and whether it was used. The link itself is stored only scrambled."
        ),
        _l("So a link works once, for a short time, and only for its account."),
        _l("No one: the server only checks the link when it is opened."),
        lambda days: ngettext(
            "Kept until used or expired, then deleted after %(num)d day.",
            "Kept until used or expired, then deleted after %(num)d days.",
            days or 0,
        ),
        "SECURITY_RECORD_RETENTION_DAYS",
        30,
        account_links.purge_spent,
        tables=("account_token",),
    ),
    Kind(
        "sign_in_records",
        _l("Sign-in records"),
        _l(
            "Each sign-in attempt: the e-mail address typed, whether it worked, the time, and a "
            "scrambled code made from the device's network address (not the address itself)."
        ),
        _l("To stop people guessing passwords."),
        _l("No one on the site: the server counts them."),
        lambda days: ngettext(
            "Deleted after %(num)d day.", "Deleted after %(num)d days.", days or 0
        ),
        "SECURITY_RECORD_RETENTION_DAYS",
        30,
        purges.sign_in_records,
        tables=("sign_in_attempt",),
    ),
    Kind(
        "subscribers",
        _l("Bulletin subscribers"),
        _l(
            "Your e-mail address, language and school. We keep no phone numbers: text messages "
            "are sent by the district's own texting service."
        ),
        _l("To send you the bulletins you asked for."),
        _l("No one on the site: only the program that sends the e-mail."),
        lambda days: ngettext(
            "Deleted as soon as you unsubscribe. A sign-up never confirmed is deleted after "
            "%(num)d day.",
            "Deleted as soon as you unsubscribe. A sign-up never confirmed is deleted after "
            "%(num)d days.",
            days or 0,
        ),
        "UNCONFIRMED_SUBSCRIBER_DAYS",
        14,
        purges.unconfirmed_subscribers,
        tables=("subscriber",),
    ),
    Kind(
        "followers",
        _l("School followers"),
        _l(
            "Your e-mail address, language, the schools you follow (or the whole district) and "
            "how often you want to hear: as it happens or once a week."
        ),
        _l("To tell you when something at those schools needs you."),
        _l("No one on the site: only the program that sends the e-mail."),
        lambda days: ngettext(
            "Deleted as soon as you stop all messages. Following never confirmed is deleted "
            "after %(num)d day.",
            "Deleted as soon as you stop all messages. Following never confirmed is deleted "
            "after %(num)d days.",
            days or 0,
        ),
        "UNCONFIRMED_FOLLOWER_DAYS",
        7,
        follows.purge_unconfirmed,
        tables=("follow",),
    ),
    Kind(
        "notice_deliveries",
        _l("Notices we sent"),
        _l(
            "Which notice (a meeting, a survey, a published plan...) went to which follower or "
            "staff member, and when; a weekly digest's notices wait here until it is sent."
        ),
        _l("So no one is told the same thing twice."),
        _l("No one on the site."),
        lambda days: ngettext(
            "Deleted %(num)d day after it was sent.",
            "Deleted %(num)d days after it was sent.",
            days or 0,
        ),
        "SENT_EMAIL_RETENTION_DAYS",
        30,
        follows.purge_sent_deliveries,
        tables=("notice_delivery",),
    ),
    Kind(
        "notice_preferences",
        _l("Notice choices of staff and members"),
        _l("Which notices a staff or committee member chose to get, and how often."),
        _l("To send each person only what they asked for."),
        _l("The person, in their workspace."),
        lambda days: str(_l("Deleted with the account.")),
        tables=("notice_preference",),
    ),
    Kind(
        "answer_addresses",
        _l('"Tell me when it\'s answered" addresses'),
        _l(
            "The e-mail address you gave with a comment to hear the answer, and its language. "
            "Kept apart from the comment and never shown with it."
        ),
        _l("To send you the answer, once."),
        _l("No one on the site: only the program that sends the e-mail."),
        lambda days: ngettext(
            "Deleted once the answer is sent, or %(num)d day after the comment if it is "
            "never answered.",
            "Deleted once the answer is sent, or %(num)d days after the comment if it is "
            "never answered.",
            days or 0,
        ),
        "ANSWER_ADDRESS_DAYS",
        180,
        follows.purge_answer_watches,
        tables=("answer_watch",),
    ),
    Kind(
        "sent_email",
        _l("E-mail we sent"),
        _l("The address, subject and text of each e-mail while it waits to be sent."),
        _l("So every message is sent once, even if the mail server is down for a while."),
        _l("No one on the site."),
        lambda days: ngettext(
            "Deleted %(num)d day after it was sent.",
            "Deleted %(num)d days after it was sent.",
            days or 0,
        ),
        "SENT_EMAIL_RETENTION_DAYS",
        30,
        purges.sent_email,
        tables=("outbox_message",),
    ),
    Kind(
        "public_comments",
        _l("Public comments"),
        _l(
            "What you wrote, its language, and the name you chose to give (you may leave it "
            "empty). Nothing else about you."
        ),
        _l("So the school or district can read it, answer it and show it to others."),
        _l(
            "Everyone, once a moderator publishes it. Until then, and if it is hidden, only the "
            "staff who moderate comments."
        ),
        lambda days: ngettext(
            "Published comments stay with the plan or agenda they are about. A hidden comment "
            "stays in the record with the reason it was hidden, but the name is removed %(num)d "
            "day after it was hidden.",
            "Published comments stay with the plan or agenda they are about. A hidden comment "
            "stays in the record with the reason it was hidden, but the name is removed %(num)d "
            "days after it was hidden.",
            days or 0,
        ),
        "HIDDEN_COMMENT_NAME_DAYS",
        90,
        purges.hidden_comment_names,
        tables=("feedback",),
    ),
    Kind(
        "committee_members",
        _l("Committee members"),
        _l(
            "Each member's name, seat (parent, teacher, ...), office, term and whether they are a "
            "parent of an English learner or a district employee, and their votes."
        ),
        _l("Committees' meetings, votes and minutes are public records the law requires."),
        _l(
            "Everyone sees the member's name only if the member agreed; otherwise the page says "
            '"parent member" or the like. Staff who run the committee see the names.'
        ),
        lambda days: str(_l("Kept as part of the committee's official record.")),
        tables=("committee_member", "motion_vote"),
    ),
    Kind(
        "interview_records",
        _l("Interview records"),
        _l(
            "Confidential notes from readiness interviews: the person's role and department, "
            "their name if they agreed to give it, and the interviewer's notes."
        ),
        _l("To prepare the district's readiness report, which never names anyone."),
        _l("Only the facilitator who runs the interviews and the portal administrators."),
        lambda days: ngettext(
            "Deleted %(num)d day after the interview.",
            "Deleted %(num)d days after the interview.",
            days or 0,
        ),
        "INTERVIEW_RETENTION_DAYS",
        365,
        purges.interview_records,
        tables=("interview", "interview_observation"),
    ),
    Kind(
        "inventory_answers",
        _l("Readiness inventory answers"),
        _l(
            "Officials invited to the district's readiness inventory answer its questions; "
            "each answer is kept with the official's account."
        ),
        _l("To prepare the readiness round table and report."),
        _l("District staff and the facilitator who run the assessment."),
        lambda days: str(_l("Kept with the assessment; deleted with it.")),
        tables=("inventory_answer", "inventory_invite"),
    ),
    Kind(
        "audit_log",
        _l("The audit log"),
        _l(
            "Which staff account changed what in the public record, and when; sign-ins and "
            "readings of interview notes. Never passwords, codes or survey answers."
        ),
        _l("So anyone can be held to account for changes to plans, budgets and votes."),
        _l("The portal administrators."),
        lambda days: ngettext(
            "Kept, as the public record. Personal details in it, such as an e-mail address typed "
            "at sign-in, are removed after %(num)d day.",
            "Kept, as the public record. Personal details in it, such as an e-mail address typed "
            "at sign-in, are removed after %(num)d days.",
            days or 0,
        ),
        "AUDIT_PERSONAL_DETAIL_DAYS",
        365,
        purges.audit_personal_detail,
        tables=("audit_entry",),
    ),
    Kind(
        "rate_limits",
        _l("Flood protection counters"),
        _l(
            "How many requests (survey answers, comments, sign-ups, printable documents) came "
            "from one network address in the last hour. Never kept with any answer."
        ),
        _l("To stop automated floods from drowning real answers."),
        _l("No one: the server counts them."),
        lambda days: str(_l("Deleted when their time window ends.")),
        purge=purges.rate_limit_counters,
        tables=("rate_limit_counter",),
    ),
    Kind(
        "document_jobs",
        _l("Documents being prepared"),
        _l("Large printable documents made in the background, and who asked for them."),
        _l("So a large document does not slow down the site for everyone."),
        _l("The staff member who asked for it."),
        lambda days: ngettext(
            "Deleted %(num)d day after it is ready.",
            "Deleted %(num)d days after it is ready.",
            days or 0,
        ),
        "DOCUMENT_JOB_RETENTION_DAYS",
        14,
        purges.document_jobs,
        tables=("document_job",),
    ),
    Kind(
        "short_links",
        _l("Short links"),
        _l("Short addresses for text messages and paper. They hold nothing about anyone."),
        _l("So a link is short enough to type from paper or read in a text message."),
        _l("Everyone."),
        lambda days: str(_l("Deleted when the page they open is deleted.")),
        purge=purges.orphan_short_links,
        tables=("short_link",),
    ),
    Kind(
        "server_logs",
        _l("Server logs"),
        _l("Each request's network address, page and time."),
        _l("To keep the site running and safe."),
        _l("The district's technical staff."),
        lambda days: ngettext(
            "Deleted after %(num)d day.", "Deleted after %(num)d days.", days or 0
        ),
        "SERVER_LOG_RETENTION_DAYS",
        14,
    ),
)


# Tables that hold no personal data of their own: the public record, settings and counts. Rows
# there may name the staff account that made them (see "staff_accounts" and the audit log).
NOT_PERSONAL = frozenset(
    {
        "agenda_item",
        "allocation_scenario",
        "base_program_rule",
        "budget_line",
        "bulletin",
        "bulletin_image",
        "bulletin_revision",
        "bulletin_school",
        "bulletin_translation",
        "calendar_event",
        "committee",
        "district",
        "district_goal",
        "enrollment",
        "enrollment_import",
        "event_requirement",
        "funding_stream",
        "funding_stream_school",
        "glossary_term",
        "goal",
        "goal_measurement",
        "interview_question",
        "investment",
        "investment_category",
        "meeting",
        "meeting_document",
        "minutes_amendment",
        "minutes_version",
        "motion",
        "need_group",
        "notice",
        "paper_sheet_use",
        "phase_window",
        "plan_action",
        "plan_review_comment",
        "plan_version",
        "prior_allocation",
        "prior_allocation_import",
        "readiness_assessment",
        "roundtable_note",
        "salary_rate",
        "school",
        "school_plan",
        "school_year",
        "staff_role",
        "strategy",
        "stream_category",
        "survey",
        "survey_access_code",
        "survey_dropped_submission",
        "survey_item",
        "survey_school",
        "survey_submission_receipt",
        "survey_tally",
        "survey_respondent_tally",
        # Copies of anonymous public pages as sent, and the counters that retire them.
        "page_cache",
        "page_version",
    }
)


def kinds() -> list[Kind]:
    """The registry, in the order the privacy page lists it."""
    return list(KINDS)


def purge(now: datetime | None = None, dry_run: bool = False) -> list[tuple[str, int]]:
    """Delete everything past its retention, as of `now`; returns (what, how many) per step.

    One transaction: committed, or rolled back for a dry run (which therefore counts exactly
    what a real run would delete)."""
    now = now or utcnow()
    counts: list[tuple[str, int]] = []
    try:
        for kind in KINDS:
            if kind.purge is not None:
                counts.extend(kind.purge(now, kind.days()).items())
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
        return counts
    deleted = {what: count for what, count in counts if count}
    if deleted:
        from portal.services.audit import record_audit

        # The log says that data was deleted, and how much, never what it was.
        record_audit(None, "data.purged", "retention", 0, {"deleted": deleted})
    db.session.commit()
    return counts
