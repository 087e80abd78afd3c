"""Global search: customers by name, phone or number; tickets by number."""

from __future__ import annotations

from flask import Blueprint, render_template, request

blueprint = Blueprint("search", __name__)


@blueprint.get("/search")
def search():
    return render_template("search/results.html", q=request.args.get("q", "").strip())
