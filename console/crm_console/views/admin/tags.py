"""The tag catalogue (customer service): the tags by dimension, with how many customers carry
each; create, rename and recolour, retire.

Open to admins and every lead: the customer service lets any principal whose data scope is
wider than their own records curate the catalogue (``_require_curator`` in its ``api_tags``),
so this page is offered to the same people (:func:`may_curate`). System tags (value class,
lifecycle) are maintained by the service: shown, never edited here."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.auth import DataScope, Principal
from flask import abort, redirect, render_template, request, url_for
from google.protobuf.field_mask_pb2 import FieldMask

from crm_console.i18n import N_, gettext
from crm_console.navigation import NavItem
from crm_console.rpc import call
from crm_console.views.admin import (
    NAV,
    OPEN_PAGES,
    SECTION,
    blueprint,
    checked,
    new_request_id,
    request_id,
)
from crm_console.views.admin.forms import submit

C = customer_pb2
# The catalogue's dimensions, in the contract's order (Tag.dimension; the customer service
# refuses any other: its tags.DIMENSIONS, pinned by a test), with their labels.
DIMENSIONS = (("industry", N_("Industry")), ("need_intent", N_("Need intent")),
              ("need_type", N_("Need type")), ("value", N_("Value")),
              ("lifecycle", N_("Lifecycle")), ("behaviour", N_("Behaviour")),
              ("free", N_("Free tags")))
UPDATE_MASK = ["name", "description", "color"]  # what UpdateTag may change
DEFAULT_COLOR = "#1677ff"
CATALOGUE_PAGE = 1000  # ListTags' largest page: a catalogue is a few hundred tags at most
LOOKUP_PAGES = 20


def may_curate(principal: Principal) -> bool:
    """The customer service's rule: anyone who sees more than their own records (leads,
    managers, admins) maintains the catalogue."""
    return principal.data_scope is not DataScope.OWN


class CuratorNavItem(NavItem):
    def visible_to(self, principal: Principal) -> bool:
        return may_curate(principal)


NAV.append(CuratorNavItem("admin.tags", N_("Tag catalogue"), order=35, section=SECTION))


def dimension_label(dimension: str) -> str:
    labels = dict(DIMENSIONS)
    return gettext(labels[dimension]) if dimension in labels else dimension


def by_dimension(tags) -> list[tuple[str, list]]:
    """(dimension, its tags by name) in the contract's order; an unknown dimension last."""
    grouped: dict[str, list] = {}
    for tag in tags:
        grouped.setdefault(tag.dimension, []).append(tag)
    order = [name for name, _label in DIMENSIONS]
    keys = sorted(grouped, key=lambda d: (order.index(d) if d in order else len(order), d))
    return [(key, sorted(grouped[key], key=lambda t: t.name)) for key in keys]


def tag_from_form(form, *, tag_id: str = "") -> C.Tag:
    return C.Tag(id=tag_id, name=(form.get("name") or "").strip(),
                 dimension=(form.get("dimension") or "").strip(),
                 description=(form.get("description") or "").strip(),
                 color=(form.get("color") or "").strip())


def tag_values(tag) -> dict:
    return {"name": tag.name, "dimension": tag.dimension, "description": tag.description,
            "color": tag.color or DEFAULT_COLOR}


def find_tag(tag_id: str):
    """The catalogue has no GetTag: the tag is looked up in its pages (404 when absent)."""
    token = ""
    for _page in range(LOOKUP_PAGES):
        page = call("customer", "ListTags",
                    C.ListTagsRequest(page_size=CATALOGUE_PAGE, page_token=token))
        for tag in page.tags:
            if tag.id == tag_id:
                return tag
        token = page.next_page_token
        if not token:
            break
    abort(404)


def _dimension_options(blank: str | None = None):
    options = [("", gettext(blank))] if blank is not None else []
    return options + [(name, gettext(label)) for name, label in DIMENSIONS]


def _form(values, errors, *, tag=None, retire_errors=None):
    return render_template("admin/tag_form.html", values=values, errors=errors, tag=tag,
                           retire_errors=retire_errors or {},
                           dimensions=_dimension_options(blank=""),
                           dimension_label=dimension_label)


@blueprint.get("/tags", endpoint="tags")
def tags():
    dimension = request.args.get("dimension", "")
    page = call("customer", "ListTags", C.ListTagsRequest(
        page_size=CATALOGUE_PAGE, page_token=request.args.get("page_token", ""),
        dimension=dimension, query=request.args.get("q", "").strip()))
    return render_template(
        "admin/tags.html", page=page, groups=by_dimension(page.tags),
        dimension_label=dimension_label, dimensions=_dimension_options(blank=N_("All dimensions")),
        saved=request.args.get("saved"), retired=request.args.get("retired"))


@blueprint.route("/tags/new", methods=["GET", "POST"])
def new_tag():
    if request.method == "GET":
        return _form({"dimension": request.args.get("dimension", ""), "color": DEFAULT_COLOR,
                      "request_id": new_request_id()}, {})
    return submit(
        lambda: call("customer", "CreateTag", C.CreateTagRequest(
            tag=tag_from_form(request.form), request_id=request_id()), field_prefix="tag."),
        again=lambda values, errors: _form(values, errors),
        done=lambda tag: redirect(url_for("admin.tags", saved=tag.id, dimension=tag.dimension)),
        conflict_field="name")


@blueprint.route("/tags/<tag_id>", methods=["GET", "POST"])
def edit_tag(tag_id: str):
    tag = find_tag(tag_id)
    if request.method == "GET":
        return _form(tag_values(tag), {}, tag=tag)
    changed = tag_from_form(request.form, tag_id=tag_id)
    changed.dimension = ""  # not changeable: the dimension is shown, never sent
    return submit(
        lambda: call("customer", "UpdateTag", C.UpdateTagRequest(
            tag=changed, update_mask=FieldMask(paths=UPDATE_MASK)), field_prefix="tag."),
        again=lambda values, errors: _form(values, errors, tag=tag),
        done=lambda saved: redirect(url_for("admin.tags", saved=saved.id,
                                            dimension=saved.dimension)),
        conflict_field="name")


@blueprint.post("/tags/<tag_id>/retire")
def retire_tag(tag_id: str):
    tag = find_tag(tag_id)
    if not checked("confirm"):  # retiring strips the tag from every customer: asked for
        return _form(tag_values(tag), {}, tag=tag, retire_errors={
            "confirm": gettext("Tick this to confirm: the tag is removed from every customer.")
        }), 422
    call("customer", "DeleteTag", C.DeleteTagRequest(id=tag_id))
    return redirect(url_for("admin.tags", retired=tag.name, dimension=tag.dimension))


for _endpoint in ("admin.tags", "admin.new_tag", "admin.edit_tag", "admin.retire_tag"):
    OPEN_PAGES[_endpoint] = may_curate
