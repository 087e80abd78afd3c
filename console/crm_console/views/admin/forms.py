"""The create and edit forms of the administration pages, once: send the request; when the
service refuses the input (400, 409, 422), show the form again with status 422, what the user
typed and each error next to its field. Any other refusal (403, 404, a service down) is not
the form's to fix and goes to the console's readable error page.

    return submit(lambda: call(...), again=lambda values, errors: render(...),
                  done=lambda saved: redirect(...))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from crm_console.refusals import Refusal

FIXABLE = (400, 409, 422)
"""Refusals about the input: the form is shown again."""


def form_errors(refusal: Refusal, *, conflict_field: str = "") -> dict[str, str]:
    """The errors to show next to the fields; a refusal naming no field goes above the form,
    or, for a conflict (409: "the name is taken"), next to ``conflict_field``."""
    if refusal.field_errors:
        return dict(refusal.field_errors)
    if refusal.status == 409 and conflict_field:
        return {conflict_field: refusal.message}
    return {"": refusal.message}


def submit(send: Callable[[], Any], *, again: Callable[[dict, dict], Any],
           done: Callable[[Any], Any], values: dict | None = None, conflict_field: str = ""):
    """``send()`` the request; on success answer ``done(result)``; when the input is refused,
    ``again(values, errors)`` with status 422 (``values`` defaults to the form as typed)."""
    try:
        result = send()
    except Refusal as refusal:
        if refusal.status not in FIXABLE:
            raise
        shown = values if values is not None else request.form.to_dict()
        return again(shown, form_errors(refusal, conflict_field=conflict_field)), 422
    return done(result)
