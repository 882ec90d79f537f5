"""E-mail subscription: sign up, confirm by a signed link, unsubscribe. A link in an e-mail only
asks (GET); the button on the page it opens does it (POST), so a mail scanner that opens every
link changes nothing."""

from flask import current_app, g, render_template, request
from flask_babel import get_locale

from portal.blueprints.bulletins import bp
from portal.blueprints.bulletins.forms import ConfirmForm, SubscribeForm, UnsubscribeForm
from portal.extensions import csrf, db, limiter
from portal.permissions import public
from portal.services import mail, subscriptions
from portal.services.bulletins import district_schools


@bp.route("/bulletins/subscribe", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBSCRIBE_RATE_LIMIT"], methods=["POST"])
@public
def subscribe():
    """Sign up with an e-mail address and a language; a signed link confirms it."""
    schools = district_schools(g.district.id)
    form = SubscribeForm(locale=str(get_locale()))
    form.offer_schools(schools)
    if form.website.data:  # the honeypot: answered as if fine, nothing stored
        return render_template("bulletins/subscribe_sent.html")
    if form.validate_on_submit():
        school = next((s for s in schools if s.slug == form.school.data), None)
        subscriptions.subscribe(g.district, form.email.data, form.locale.data, school)
        db.session.commit()
        return render_template("bulletins/subscribe_sent.html")
    status = 422 if form.is_submitted() else 200
    return render_template("bulletins/subscribe.html", form=form), status


@bp.route("/bulletins/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """GET asks (a link checker opening the mail confirms nothing); the button confirms."""
    subscriber = mail.subscriber_from_token(token, "confirm")
    if subscriber is None:
        return render_template("bulletins/token_invalid.html"), 400
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("bulletins/confirm.html", token=token)
    subscriptions.confirm(subscriber)
    db.session.commit()
    return render_template("bulletins/confirmed.html", subscriber=subscriber)


@bp.route("/bulletins/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs send the one-click POST (RFC 8058); the signed token is the proof
@public
def unsubscribe(token: str):
    """GET asks; POST (the button, or a mail program's one-click request) unsubscribes."""
    subscriber = mail.subscriber_from_token(token, "unsubscribe")
    if request.method == "GET":
        if subscriber is None:
            return render_template("bulletins/unsubscribed.html")
        return render_template("bulletins/unsubscribe.html", token=token, form=UnsubscribeForm())
    if subscriber is not None and UnsubscribeForm().validate_on_submit():
        subscriptions.unsubscribe(subscriber)
        db.session.commit()
    return render_template("bulletins/unsubscribed.html")
