"""A list's export as a download (issue 20): the service's streaming export RPC drained on a
channel of its own and answered as one attachment, and the OpenAPI description of such a
response. Used by the customer, ticket and lead exports."""

from __future__ import annotations

from crm_shared.grpc.client import connect
from crm_shared.spreadsheet_cells import XLSX_MEDIA_TYPE
from flask import Response

from gateway.peers import call

EXPORT_MEDIA_TYPES = {"csv": "text/csv", "xlsx": XLSX_MEDIA_TYPE}
# Imports and exports run longer than a lookup; still under the HTTP worker's timeout.
LONG_CALL_SECONDS = 25.0


def export_response(what: str, csv_example: str, *, note: str = "") -> dict:
    """The OpenAPI 200 response of an export of ``what`` (``tickets``); ``note`` is added to
    the sentence on the CSV's quote mark."""
    return {
        "description": (
            f"The {what} as CSV (UTF-8, header line) or as an .xlsx workbook (`format=xlsx`). "
            "A CSV cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, "
            "`@`, a tab or a carriage return) is written with a leading `'`, which spreadsheets "
            f"show as text{note}. Every .xlsx cell is a text cell, never a formula."
        ),
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": csv_example},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }


def download(
    deps, peer: str, service, stub_class, method: str, request, *, file_format: str, file_name: str
) -> Response:
    """``method`` (a server-streaming export) of ``peer`` as the attachment ``file_name``."""
    # A channel of its own: the shared one's service config caps every call at the short
    # lookup deadline.
    channel = connect(deps.peers.addresses[peer], [service], default_timeout=LONG_CALL_SECONDS)
    try:
        # Drained inside the request: a gRPC stream left open past the view would end its
        # client span (and detach its trace context) after Flask's own, leaving a stale context
        # on the worker thread for the next request. A refused request is then a problem
        # response, never a broken download.
        export = getattr(stub_class(channel), method)
        chunks = call(peer, lambda r: [chunk.data for chunk in export(r)], request)
    finally:
        channel.close()
    return Response(
        b"".join(chunks),
        mimetype=EXPORT_MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{file_name}.{file_format}"'},
    )
