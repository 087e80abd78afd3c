"""The signed-in person's profile: name, contact details, job title and language (the
gateway's ``/api/v1/me``), quiet hours and notification preferences per category and channel
(the notification service's GetNotificationPreferences / UpdateNotificationPreferences).

The categories offered are those the notification rules produce (a rule's category is the
event it reacts to, e.g. ``ticket.transferred``), plus any the person already has preferences
for. A category the service will not let anyone mute (escalations, breaches) is refused by the
service, and its message shows next to the box."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from google.protobuf.field_mask_pb2 import FieldMask

from crm_console.i18n import N_, normalise
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import call

blueprint = Blueprint("profile", __name__)

PROFILE_FIELDS = ("display_name", "email", "phone", "job_title", "locale")
LANGUAGE_OPTIONS = (("zh-CN", N_("Chinese (Simplified)")), ("en-US", N_("English")))
# Channels a person can choose (in-app is always used unless the category is muted; webhooks
# are set up by the API).
CHANNELS = (
    ("email", types_pb2.DELIVERY_CHANNEL_EMAIL, N_("E-mail")),
    ("sms", types_pb2.DELIVERY_CHANNEL_SMS, N_("SMS")),
    ("wechat", types_pb2.DELIVERY_CHANNEL_WECHAT, N_("WeChat")),
)
CHANNEL_BY_WORD = {word: number for word, number, _label in CHANNELS}
WORD_BY_CHANNEL = {number: word for word, number, _label in CHANNELS}

# What each category the default notification rules produce is called (the rule's event name).
CATEGORY_LABELS = {
    "ticket.routed": N_("A ticket reaches my department"),
    "ticket.transferred": N_("A ticket is transferred to my department"),
    "ticket.assigned": N_("A ticket is assigned to me"),
    "ticket.sla_reminder": N_("Untouched ticket reminder"),
    "ticket.sla_warning": N_("SLA about to be breached"),
    "ticket.sla_breached": N_("SLA breached"),
    "ticket.escalated": N_("Ticket escalated"),
    "callback_task.created": N_("New call-back task"),
    "callback_task.overdue": N_("Call-back overdue"),
    "lead.assigned": N_("A lead is assigned to me"),
    "lead.first_contact_due": N_("First contact due soon"),
    "lead.first_contact_overdue": N_("First contact overdue"),
    "activity.commented": N_("Comment on my follow-up"),
    "follow_up_task.due": N_("Follow-up due"),
    "follow_up_task.overdue": N_("Follow-up overdue"),
    "contract.expiring": N_("Contract renewal due"),
    "payment.overdue": N_("Payment overdue"),
    "customer.created": N_("New customer"),
    "customer.at_risk": N_("Customer at risk"),
    "trigger.fired": N_("A marketing trigger fired"),
}


def category_label(category: str) -> str:
    """The translated name of a notification category, or the category itself."""
    label = CATEGORY_LABELS.get(category)
    return _(label) if label else category


def _identity():
    return current_app.extensions["crm.console"].identity


def _me() -> dict:
    """The caller's profile; an absent value (no e-mail) is an empty field."""
    me = _identity().request("GET", "/api/v1/me", token=session["access_token"])
    return {key: "" if value is None else value for key, value in me.items()}


def profile_changes(form, me: dict) -> dict:
    """The fields of the profile form that differ from the stored profile. A field the
    gateway does not show (phone, job title) changes only when something is typed in it."""
    changes = {}
    for name in PROFILE_FIELDS:
        value = (form.get(name) or "").strip()
        if name in me:
            if value != (me.get(name) or ""):
                changes[name] = value
        elif value:
            changes[name] = value
    if "locale" in changes and not changes["locale"]:
        del changes["locale"]
    return changes


# --- notification preferences --------------------------------------------------------------

def _categories(preferences) -> list[str]:
    """The categories the rules produce, then any the person has a preference for."""
    found: list[str] = []
    try:
        page = call("notification", "ListNotificationRules",
                    notification_pb2.ListNotificationRulesRequest(page_size=500))
        found = [rule.category for rule in page.rules if rule.category]
    except Refusal:
        found = list(CATEGORY_LABELS)
    found += [c.category for c in preferences.categories]
    order = {category: index for index, category in enumerate(CATEGORY_LABELS)}
    return sorted(dict.fromkeys(found), key=lambda c: (order.get(c, len(order)), c))


def preference_values(preferences, categories: list[str]) -> dict:
    """The form's values from the stored preferences."""
    values: dict = {
        "quiet_hours.enabled": preferences.quiet_hours.enabled,
        "quiet_hours.starts_at": preferences.quiet_hours.starts_at,
        "quiet_hours.ends_at": preferences.quiet_hours.ends_at,
        "quiet_hours.include_weekends": preferences.quiet_hours.include_weekends,
        "quiet_hours.allow_urgent": preferences.quiet_hours.allow_urgent,
        "time_zone": preferences.time_zone,
    }
    defaults = preferences.default_channels or [types_pb2.DELIVERY_CHANNEL_EMAIL]
    values["default_channels"] = [WORD_BY_CHANNEL[c] for c in defaults if c in WORD_BY_CHANNEL]
    stored = {c.category: c for c in preferences.categories}
    for index, category in enumerate(categories):
        chosen = stored.get(category)
        values[f"categories[{index}].muted"] = bool(chosen and chosen.muted)
        channels = chosen.channels if chosen and chosen.channels else []
        values[f"categories[{index}].channels"] = [WORD_BY_CHANNEL[c] for c in channels
                                                   if c in WORD_BY_CHANNEL]
        values[f"categories[{index}].own"] = bool(chosen and chosen.channels)
    return values


def preferences_from_form(form, categories: list[str]) -> tuple[
        notification_pb2.NotificationPreferences, list[str]]:
    """The preferences the form describes and the update mask. A category keeps its own
    channels only when "own channels" is ticked; otherwise it follows the defaults."""
    def checked(name: str) -> bool:
        return form.get(name) in ("true", "on", "1")

    quiet = notification_pb2.QuietHours(
        enabled=checked("quiet_hours.enabled"),
        starts_at=(form.get("quiet_hours.starts_at") or "").strip(),
        ends_at=(form.get("quiet_hours.ends_at") or "").strip(),
        include_weekends=checked("quiet_hours.include_weekends"),
        allow_urgent=checked("quiet_hours.allow_urgent"),
    )
    prefs = notification_pb2.NotificationPreferences(
        quiet_hours=quiet, time_zone=(form.get("time_zone") or "").strip(),
        default_channels=[types_pb2.DELIVERY_CHANNEL_IN_APP] + [
            CHANNEL_BY_WORD[w] for w in form.getlist("default_channels") if w in CHANNEL_BY_WORD])
    for index, category in enumerate(categories):
        muted = checked(f"categories[{index}].muted")
        own = checked(f"categories[{index}].own")
        channels = [CHANNEL_BY_WORD[w] for w in form.getlist(f"categories[{index}].channels")
                    if w in CHANNEL_BY_WORD] if own else []
        if muted or own:
            prefs.categories.add(category=category, muted=muted,
                                 channels=[types_pb2.DELIVERY_CHANNEL_IN_APP, *channels]
                                 if own else [])
    mask = ["quiet_hours", "time_zone", "default_channels", "categories"]
    return prefs, mask


def _render(*, profile_values, profile_errors, pref_values, pref_errors, categories,
            status=200, saved=""):
    return render_template(
        "profile/profile.html", profile_values=profile_values, profile_errors=profile_errors,
        pref_values=pref_values, pref_errors=pref_errors, categories=categories,
        category_label=category_label, known_categories=CATEGORY_LABELS, channels=CHANNELS,
        language_options=LANGUAGE_OPTIONS, saved=saved), status


def _preferences():
    return call("notification", "GetNotificationPreferences",
                notification_pb2.GetNotificationPreferencesRequest())


def _category_errors(errors: dict, categories: list[str], sent) -> dict:
    """The service numbers categories as sent; the form numbers every category shown."""
    sent_index = {i: categories.index(c.category) for i, c in enumerate(sent.categories)}
    mapped = {}
    for name, text in errors.items():
        if name.startswith("categories["):
            number, rest = name[len("categories["):].split("]", 1)
            if number.isdigit() and int(number) in sent_index:
                name = f"categories[{sent_index[int(number)]}]{rest}"
        mapped[name] = text
    return mapped


@blueprint.get("/profile")
def profile():
    me = _me()
    preferences = _preferences()
    categories = _categories(preferences)
    return _render(profile_values=me, profile_errors={},
                   pref_values=preference_values(preferences, categories), pref_errors={},
                   categories=categories, saved=request.args.get("saved", ""))


@blueprint.post("/profile")
def update_profile():
    me = _me()
    changes = profile_changes(request.form, me)
    errors: dict[str, str] = {}
    if changes:
        try:
            updated = _identity().request("PATCH", "/api/v1/me", token=session["access_token"],
                                          body=changes)
        except Refusal as refusal:
            errors = refusal.field_errors or {"": refusal.message}
            if refusal.status not in (400, 422):
                raise
        else:
            session["display_name"] = updated.get("display_name") or session.get("display_name")
            language = normalise(updated.get("locale") or changes.get("locale"))
            if "locale" in changes and language:
                session["language"] = language
                session["profile_language"] = language
            return redirect(url_for("profile.profile", saved="profile"))
    if not errors:
        return redirect(url_for("profile.profile", saved="profile"))
    preferences = _preferences()
    categories = _categories(preferences)
    values = {**me, **request.form.to_dict()}
    return _render(profile_values=values, profile_errors=errors,
                   pref_values=preference_values(preferences, categories), pref_errors={},
                   categories=categories, status=422)


@blueprint.post("/profile/notifications")
def update_notifications():
    preferences = _preferences()
    categories = _categories(preferences)
    sent, mask = preferences_from_form(request.form, categories)
    try:
        call("notification", "UpdateNotificationPreferences",
             notification_pb2.UpdateNotificationPreferencesRequest(
                 preferences=sent, update_mask=FieldMask(paths=mask)),
             field_prefix="preferences.")
    except Refusal as refusal:
        if refusal.status not in (400, 422):
            raise
        errors = _category_errors(refusal.field_errors or {"": refusal.message}, categories,
                                  sent)
        values = {key: value for key, value in request.form.items()}
        values["default_channels"] = request.form.getlist("default_channels")
        for index in range(len(categories)):
            values[f"categories[{index}].channels"] = request.form.getlist(
                f"categories[{index}].channels")
        return _render(profile_values=_me(), profile_errors={}, pref_values=values,
                       pref_errors=errors, categories=categories, status=422)
    return redirect(url_for("profile.profile", saved="notifications"))
