"""Following schools without an account: the follow page, the confirm, manage and unsubscribe
pages behind the signed links in every message, and one meeting's .ics. A link in an e-mail
only asks (GET); a button does it (POST), so a mail scanner that opens links changes nothing."""

from flask import abort, current_app, g, render_template, request
from flask_babel import get_locale

from portal.blueprints.notices import bp
from portal.blueprints.notices.forms import (
    ButtonForm,
    ChoicesForm,
    FollowForm,
    UnsubscribeForm,
)
from portal.extensions import csrf, db, limiter
from portal.models import Meeting
from portal.permissions import cacheable, public
from portal.responses import download
from portal.services import follows, mail, subscriptions
from portal.services.bulletins import district_schools
from portal.services.notice_ics import meeting_calendar


def _chosen(form, schools):
    return [s for s in schools if s.slug in set(form.schools.data or [])]


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBSCRIBE_RATE_LIMIT"], methods=["POST"])
@public
def follow():
    """Give an address and a language, choose schools and how often; a signed link confirms."""
    if g.district is None:
        abort(404)
    schools = district_schools(g.district.id)
    form = FollowForm(locale=str(get_locale()))
    form.offer_schools(schools)
    if request.method == "GET" and request.args.get("school"):
        form.schools.data = [request.args["school"]]
    if form.website.data:  # the honeypot: answered as if fine, nothing stored
        return render_template("notices/follow_sent.html")
    if form.validate_on_submit():
        follows.follow(
            g.district,
            form.email.data,
            form.locale.data,
            _chosen(form, schools),
            form.district_wide.data,
            form.frequency.data,
        )
        db.session.commit()
        return render_template("notices/follow_sent.html")
    status = 422 if form.is_submitted() else 200
    return render_template("notices/follow.html", form=form), status


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """GET asks; the button confirms."""
    subscriber = mail.subscriber_from_token(token, "confirm")
    if subscriber is None:
        return render_template("notices/token_invalid.html"), 400
    if not ButtonForm().validate_on_submit():
        return render_template("notices/confirm.html", token=token)
    subscriptions.confirm(subscriber)
    db.session.commit()
    return render_template("notices/confirmed.html", manage_url=follows.manage_url(subscriber))


@bp.route("/follow/manage/<token>", methods=["GET", "POST"])
@public
def manage(token: str):
    """Change schools, language or how often (the signed link is the proof of the address)."""
    subscriber = mail.subscriber_from_token(token, "manage")
    if subscriber is None:
        return render_template("notices/token_invalid.html"), 400
    schools = district_schools(subscriber.district_id)
    rows = follows.follows_of(subscriber)
    frequency = rows[0].frequency if rows else "now"
    form = ChoicesForm(
        locale=subscriber.locale,
        frequency=frequency,
        district_wide=any(r.school_id is None for r in rows),
        schools=[s.slug for s in schools if any(r.school_id == s.id for r in rows)],
    )
    form.offer_schools(schools)
    saved = False
    if form.validate_on_submit():
        subscriber.locale = form.locale.data
        follows.set_follows(
            subscriber, _chosen(form, schools), form.district_wide.data, form.frequency.data
        )
        subscriptions.confirm(subscriber)  # the link came to this address: it is theirs
        db.session.commit()
        saved = True
    status = 422 if form.is_submitted() and not saved else 200
    return render_template(
        "notices/manage.html",
        form=form,
        token=token,
        saved=saved,
        email=subscriber.email,
        unsubscribe_url=follows.unsubscribe_url(subscriber),
    ), status


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs send the one-click POST (RFC 8058); the signed token is the proof
@public
def unsubscribe(token: str):
    """GET asks; POST (the button, or a mail program's one-click request) stops everything."""
    subscriber = mail.subscriber_from_token(token, "unsubscribe")
    if request.method == "GET":
        if subscriber is None:
            return render_template("notices/unsubscribed.html")
        return render_template("notices/unsubscribe.html", token=token, form=UnsubscribeForm())
    if subscriber is not None and UnsubscribeForm().validate_on_submit():
        subscriptions.unsubscribe(subscriber)
        db.session.commit()
    return render_template("notices/unsubscribed.html")


@bp.get("/meetings/<int:meeting_id>/meeting.ics")
@cacheable
def meeting_ics(meeting_id: int):
    """One meeting for a phone's calendar, in the language of `?lang=`."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or g.district is None or meeting.committee.district_id != g.district.id:
        abort(404)
    text = meeting_calendar(meeting, str(get_locale()))
    return download(
        text.encode("utf-8"),
        f"meeting-{meeting.id}.ics",
        "text/calendar; charset=utf-8",
        inline=True,
    )
