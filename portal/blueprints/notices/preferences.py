"""What a staff member or committee member hears: their own choices page in the workspace, and
the signed one-click "stop this kind" link every message to them carries (List-Unsubscribe).
The link only asks (GET); the button, or a mail program's one-click POST, turns the kind off."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from portal.blueprints.notices import bp
from portal.blueprints.notices.forms import UnsubscribeForm
from portal.extensions import csrf, db
from portal.forms import PortalForm
from portal.permissions import public, role_required
from portal.services import staff_notices


def preferences_form(kinds: list[str], chosen: dict[str, str]) -> PortalForm:
    """One choice per kind the user can hear (as it happens, daily, off)."""

    class PreferencesForm(PortalForm):
        pass

    for kind in kinds:
        options = staff_notices.choices_for(kind)
        field = SelectField(
            staff_notices.KIND_LABELS[kind],
            choices=[SelectChoice(f.value, f.label) for f in options],
            default=chosen.get(kind, "now"),
        )
        setattr(PreferencesForm, f"kind_{kind}", field)
    return PreferencesForm()


@bp.route("/manage/notices", methods=["GET", "POST"])
@role_required()
def preferences():
    """Choose, kind by kind, as it happens, a daily digest, or off."""
    kinds = staff_notices.kinds_for(current_user)
    form = preferences_form(kinds, staff_notices.preferences(current_user.id))
    if form.validate_on_submit():
        for kind in kinds:
            staff_notices.set_preference(current_user, kind, form[f"kind_{kind}"].data)
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notices.preferences"), code=303)
    status = 422 if form.is_submitted() else 200
    fields = [form[f"kind_{kind}"] for kind in kinds]
    return render_template("notices/staff_preferences.html", form=form, fields=fields), status


@bp.route("/notices/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs send the one-click POST (RFC 8058); the signed token is the proof
@public
def stop_kind(token: str):
    """GET asks; POST (the button, or a mail program's one-click request) turns one kind off."""
    found = staff_notices.from_stop_token(token)
    if found is None:
        return render_template("notices/token_invalid.html"), 400
    user, kind = found
    label = staff_notices.KIND_LABELS[kind]
    if request.method == "GET":
        return render_template("notices/staff_stop.html", token=token, label=label)
    if UnsubscribeForm().validate_on_submit():
        staff_notices.stop(user, kind)
        db.session.commit()
    return render_template("notices/staff_stopped.html", label=label)
