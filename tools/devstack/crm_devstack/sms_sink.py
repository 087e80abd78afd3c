"""The local suite's SMS gateway: the notification service's text messages land in a folder.

It takes the SMS gateway contract the notification worker speaks (``POST`` JSON
``{"delivery_id", "to", "text", "sender"}`` signed with ``X-CRM-Signature``, see
``notification_service.channels.send_sms``) the way a carrier adapter would: a bad signature
is 401, a body that is not such a message 400, and a repeated delivery id is taken again
without a second message (``<delivery_id>.json`` in the folder). Nothing leaves the machine.

    python -m crm_devstack.sms_sink --port 2526 --dir data/sms --secret-file keys/sms.secret
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crm_shared.webhook_signatures import SIGNATURE_HEADER, verify

DELIVERY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
FIELDS = ("delivery_id", "to", "text")


def make_server(port: int, folder: Path, secret: str) -> ThreadingHTTPServer:
    """The sink on 127.0.0.1:``port`` (0: any free one), writing into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if secret and not verify(secret, self.headers.get(SIGNATURE_HEADER, ""), body):
                return self._answer(401, "bad or missing X-CRM-Signature")
            try:
                message = json.loads(body)
                ok = isinstance(message, dict) and all(
                    isinstance(message.get(name), str) and message[name] for name in FIELDS)
            except ValueError:
                ok = False
            if not ok or not DELIVERY_ID.match(message["delivery_id"]):
                return self._answer(400, "expected JSON with delivery_id, to and text")
            path = folder / f"{message['delivery_id']}.json"
            with lock:
                if not path.exists():  # a retried delivery is one message
                    path.write_text(json.dumps(message, ensure_ascii=False, indent=2) + "\n")
            return self._answer(202, "accepted")

        def _answer(self, status: int, text: str) -> None:
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--secret-file", type=Path,
                        help="the shared secret (SMS_GATEWAY_SECRET); unsigned calls without")
    args = parser.parse_args(argv)
    secret = args.secret_file.read_text().strip() if args.secret_file else ""
    server = make_server(args.port, args.dir, secret)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
