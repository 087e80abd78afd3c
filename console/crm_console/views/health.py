"""Probes: ``/healthz`` (the process answers) and ``/readyz`` (it can serve pages)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    return {"status": "ok"}


@blueprint.get("/readyz")
def readyz():
    return {"status": "ready"}
