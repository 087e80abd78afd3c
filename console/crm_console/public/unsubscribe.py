"""The unsubscribe page a customer opens from a marketing e-mail: ``/u/<token>``.

Opening the link changes nothing (mail scanners open links too): the page asks, and its one
button POSTs. A POST is also what a mail client sends for RFC 8058 one-click unsubscribe
(``List-Unsubscribe=One-Click``, from the ``List-Unsubscribe`` header the notification service
adds), without a cookie or a CSRF token: the signed token in the path is the POST's whole
authority, so the view is exempt from the CSRF check (``abuse.csrf_exempt``) and counted per
address and per link like every public form. The gateway's public route withdraws the
customer's marketing consent (``/api/v1/public/unsubscribe/<token>``); a link that is not
genuine or has expired reads the same either way.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import render_template, request

from crm_console.i18n import N_
from crm_console.public import PublicBlueprint, gateway
from crm_console.public.abuse import client_address, csrf_exempt, guard
from crm_console.refusals import Refusal

blueprint = PublicBlueprint("public_unsubscribe", __name__)

UNSUBSCRIBE = "/api/v1/public/unsubscribe/"
MAX_TOKEN_LENGTH = 300
LINK_NOT_VALID = N_("This unsubscribe link is not valid or has expired.")


@blueprint.route("/u/<token>", methods=["GET", "POST"])
@csrf_exempt
def unsubscribe(token: str):
    if len(token) > MAX_TOKEN_LENGTH:
        return render_template(
            "public/unsubscribe.html", state="invalid", message=LINK_NOT_VALID
        ), 404
    if request.method == "GET":
        return render_template("public/unsubscribe.html", state="ask")
    guard("unsubscribe", target=token, max_body=1024)
    try:
        done = gateway().request(
            "POST", UNSUBSCRIBE + quote(token, safe=""), client_address=client_address()
        )
    except Refusal as refusal:
        if refusal.status in (404, 422):
            return render_template(
                "public/unsubscribe.html", state="invalid", message=LINK_NOT_VALID
            ), 404
        raise
    return render_template(
        "public/unsubscribe.html", state="done", channel=(done or {}).get("channel", "email")
    )
