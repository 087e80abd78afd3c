"""The signed-in person's profile: language, quiet hours and notification preferences."""

from __future__ import annotations

from flask import Blueprint, render_template

blueprint = Blueprint("profile", __name__)


@blueprint.get("/profile")
def profile():
    return render_template("profile/profile.html")
