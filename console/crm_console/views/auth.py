"""Sign in, sign out and the language switcher.

Sign-in is the gateway's password grant; the tokens go into the sealed session cookie and
never reach the page. Sign-out revokes the refresh token (the whole login session) at the
gateway. Service accounts cannot sign in (the gateway refuses their password grant, and the
session refuses their tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from crm_console.i18n import gettext as _
from crm_console.i18n import normalise
from crm_console.refusals import Refusal
from crm_console.session import forget_tokens, store_tokens

blueprint = Blueprint("auth", __name__)


def _deps():
    return current_app.extensions["crm.console"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host: no open redirect)."""
    if not target:
        return url_for("work.my_work")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("work.my_work")
    return target


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    values = {"username": request.form.get("username", "")}
    errors: dict[str, str] = {}
    message = ""
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if not username:
            errors["username"] = _("Enter your username.")
        if not password:
            errors["password"] = _("Enter your password.")
        if not errors:
            try:
                pair = _deps().identity.sign_in(username, password,
                                                client_address=request.remote_addr)
                principal = _deps().verifier.verify(pair.access_token)
                if principal.is_service_account:
                    raise Refusal(status=403, message="service account")
            except Refusal as refusal:
                status = 401 if refusal.status in (401, 403) else refusal.status
                message = {
                    401: _("Wrong username or password."),
                    429: _("Too many failed attempts. Wait a few minutes and try again."),
                }.get(status, _("Signing in is not possible right now. Try again shortly."))
                if refusal.status == 403:
                    message = _("Wrong username or password.")
            else:
                chosen_language = session.get("language")
                session.clear()
                if chosen_language:
                    session["language"] = chosen_language
                store_tokens(pair.access_token, pair.refresh_token, pair.expires_in,
                             pair.refresh_expires_in)
                session["display_name"] = principal.display_name
                try:
                    me = _deps().identity.request("GET", "/api/v1/me", token=pair.access_token)
                    session["profile_language"] = normalise(me.get("locale")) or ""
                    session["display_name"] = me.get("display_name") or principal.display_name
                    session["is_department_lead"] = bool(me.get("is_department_lead"))
                except Refusal:
                    pass  # the profile is a nicety; the tokens are what signing in needs
                return redirect(_safe_next(request.form.get("next")))
        else:
            status = 422
    return render_template("auth/sign_in.html", values=values, errors=errors, message=message,
                           next=request.values.get("next", "")), status


@blueprint.post("/sign-out")
def sign_out():
    refresh_token = session.get("refresh_token")
    if refresh_token:
        try:
            _deps().identity.sign_out(refresh_token)
        except Refusal:
            pass  # the session cookie goes either way; the token expires on its own
    forget_tokens()
    session.clear()
    return redirect(url_for("auth.sign_in"))


@blueprint.post("/language")
def set_language():
    """The switcher: remembered in the session; a signed-in user's profile keeps it too."""
    language = normalise(request.form.get("language"))
    if language:
        session["language"] = language
        token = session.get("access_token")
        if token:
            try:
                _deps().identity.request("PATCH", "/api/v1/me", token=token,
                                         body={"locale": language})
                session["profile_language"] = language
            except Refusal:
                pass  # still switched for this session
    return redirect(_safe_next(request.form.get("next") or _referrer_path()))


def _referrer_path() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
