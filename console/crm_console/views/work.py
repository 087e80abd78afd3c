""""My work": what is due for the signed-in person, most urgent first."""

from __future__ import annotations

from flask import Blueprint, render_template

from crm_console.i18n import N_
from crm_console.navigation import NavItem

blueprint = Blueprint("work", __name__)
NAV = [NavItem("work.my_work", N_("My work"), order=10)]


@blueprint.get("/")
def my_work():
    return render_template("work/my_work.html", items=[])
