"""A list page's export as a download (issue 20): the list's filters as the service's export
request, the file streamed by the service with the user's token (so it applies their data
scope and writes its audit entries), drained here and sent as one attachment.

Shared by the customer list and the ticket queue.
"""

from __future__ import annotations

from urllib.parse import quote

import grpc
from crm.common.v1 import types_pb2
from crm_shared.grpc.client import connect
from crm_shared.spreadsheet_cells import XLSX_MEDIA_TYPE
from flask import Response

from crm_console.refusals import Refusal
from crm_console.rpc import SERVICES, peers

FORMATS = {"csv": types_pb2.TABLE_FORMAT_CSV, "xlsx": types_pb2.TABLE_FORMAT_XLSX}
MEDIA_TYPES = {"csv": "text/csv", "xlsx": XLSX_MEDIA_TYPE}
TIMEOUT_SECONDS = 25.0  # under the HTTP worker's timeout


def export_request(listing, export):
    """``export`` with every filter of ``listing`` (the list's request) that it has too, copied
    by name (the contracts keep the names the same), so a filter added to both needs no code."""
    shared = export.DESCRIPTOR.fields_by_name
    for descriptor, value in listing.ListFields():
        if descriptor.name not in shared:
            continue  # paging
        if descriptor.is_repeated:
            getattr(export, descriptor.name).extend(value)
        else:
            setattr(export, descriptor.name, value)
    return export


def download(peer: str, method: str, request, *, file_format: str, ascii_name: str,
             name: str) -> Response:
    """The export ``method`` of ``peer`` as an attachment named ``name`` in the reader's
    language (客户列表.xlsx), ``ascii_name`` for old browsers. A refusal raises
    :class:`Refusal` (an error page), never a cut file: the stream is drained first."""
    service, stub_class = SERVICES[peer]
    # A channel of its own: the shared one's service config caps every call at the short
    # deadline of a page's lookups.
    channel = connect(peers().addresses[peer], [service], default_timeout=TIMEOUT_SECONDS)
    try:
        chunks = [chunk.data for chunk in getattr(stub_class(channel), method)(request)]
    except grpc.RpcError as exc:
        raise Refusal.from_rpc_error(peer, exc) from exc
    finally:
        channel.close()
    disposition = (f"attachment; filename={ascii_name}.{file_format}; "
                   f"filename*=UTF-8''{quote(name)}.{file_format}")
    return Response(b"".join(chunks), mimetype=MEDIA_TYPES[file_format],
                    headers={"Content-Disposition": disposition})
