"""The interactive API explorer (Swagger UI), served with its assets by the gateway itself
(from the ``flask-openapi3-swagger`` package; no CDN)."""

from __future__ import annotations

import base64
import functools
import hashlib
import os

import flask_openapi3_swagger
from flask import Blueprint, Response
from flask_openapi3 import APIBlueprint, Tag

from gateway.endpoints import ACCESS_ATTRIBUTE, Access, operation

ASSETS = os.path.join(os.path.dirname(flask_openapi3_swagger.__file__), "templates", "swagger")
ASSETS_URL = "/api/v1/explorer/assets"

# The page's one inline script, allowed by its hash (no 'unsafe-inline'): it starts Swagger UI.
START_SCRIPT = """
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  persistAuthorization: false, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
"""
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CRM suite API explorer</title>
  <link rel="icon" href="{ASSETS_URL}/images/swagger.svg">
  <link rel="stylesheet" href="{ASSETS_URL}/css/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_URL}/js/swagger-ui-bundle.js"></script>
<script src="{ASSETS_URL}/js/swagger-ui-standalone-preset.js"></script>
<script>{START_SCRIPT}</script>
</body>
</html>
"""

_START_HASH = base64.b64encode(hashlib.sha256(START_SCRIPT.encode()).digest()).decode()
# What the page loads: the gateway's own assets and the API document, and data: icons;
# "Try it out" calls this origin only. Swagger UI injects a <style> element of its own, so
# styles may be inline here (this page only; scripts stay limited to the one above).
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src 'self' 'sha256-{_START_HASH}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'"
)

HTML = {
    "description": "The explorer page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def register(app, deps) -> None:
    assets = Blueprint(
        "explorer_assets", __name__, static_folder=ASSETS, static_url_path=ASSETS_URL
    )
    app.register_blueprint(assets)
    # Static files are public (the page is): mark the blueprint's static view like a public route.
    static_view = app.view_functions["explorer_assets.static"]
    public_static = functools.wraps(static_view)(lambda *a, **kw: static_view(*a, **kw))
    setattr(public_static, ACCESS_ATTRIBUTE, Access(public=True))
    app.view_functions["explorer_assets.static"] = public_static
    page = APIBlueprint("explorer", __name__, abp_tags=[Tag(name="operations")])

    @operation(
        page,
        "get",
        "/api/v1/explorer",
        operation_id="getApiExplorer",
        public=True,
        summary="Interactive API explorer (Swagger UI)",
        responses={200: HTML},
    )
    def explorer():
        return Response(
            PAGE, mimetype="text/html", headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY}
        )

    app.register_api(page)
