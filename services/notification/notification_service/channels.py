"""Sending over the network: e-mail over SMTP, signed webhooks, and text messages through a
signed HTTP SMS gateway. Called by the delivery dispatcher outside any transaction; each
returns an :class:`Outcome`, never raises. An HTTP outcome records the status code and a
reason of our own, never the other side's answer (users read it in their delivery list).

SMS carriers (Aliyun, Tencent Cloud, Twilio ...) each have their own API and credentials, so
the service speaks one small signed JSON contract to a gateway the operator runs in front of
theirs (:func:`send_sms`), the same way it signs webhooks."""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from crm_shared.webhook_signatures import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from requests.adapters import HTTPAdapter

from notification_service.webhook_targets import Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    success: bool
    response_code: str = ""
    error: str = ""
    suppress_reason: str = ""
    """Set when the message cannot be sent here at all (no provider): no retry helps."""


@dataclass(frozen=True)
class SmsGateway:
    url: str
    secret: str = ""
    sender: str = ""
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class MarketingMarks:
    """What makes a delivery a marketing message, kept in its payload (``marketing_payload``)."""

    marketing: bool = False
    unsubscribe_url: str = ""

    @classmethod
    def of(cls, payload_json: str) -> MarketingMarks:
        try:
            message = json.loads(payload_json or "{}").get("message") or {}
        except (ValueError, AttributeError):
            return cls()
        return cls(bool(message.get("marketing")), str(message.get("unsubscribe_url") or ""))


def marketing_payload(marketing: bool, unsubscribe_url: str) -> dict:
    if not marketing:
        return {}
    return {"marketing": True, **({"unsubscribe_url": unsubscribe_url} if unsubscribe_url else {})}


def with_opt_out(text: str, opt_out: str) -> str:
    """A marketing SMS ends with the opt-out instruction (once)."""
    text = text.rstrip()
    if not opt_out or text.endswith(opt_out):
        return text
    return f"{text} {opt_out}"


UNSUBSCRIBE_FOOTER = "\n\n--\n不想再收到此类邮件？一键退订 / Unsubscribe: {url}\n"


def send_email(config: SmtpConfig, *, to: str, subject: str, body: str,
               delivery_id: str, unsubscribe_url: str = "") -> Outcome:
    """A marketing e-mail (``unsubscribe_url``) carries the link in its body and in the RFC 8058
    headers, so a mail client offers one-click unsubscribe: it POSTs
    ``List-Unsubscribe=One-Click`` to the link, which the unsubscribe page takes."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = formataddr(("", to))
    message["Subject"] = subject
    message[DELIVERY_HEADER] = delivery_id
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        body = body.rstrip() + UNSUBSCRIBE_FOOTER.format(url=unsubscribe_url)
    message.set_content(body)
    try:
        factory = smtplib.SMTP_SSL if config.ssl else smtplib.SMTP
        with factory(config.host, config.port, timeout=config.timeout_seconds) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.username:
                smtp.login(config.username, config.password)
            refused = smtp.send_message(message)  # raises unless the server said 250
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, str(exc.smtp_code), f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, "", f"{type(exc).__name__}: {exc}")
    if refused:
        return Outcome(False, "", f"recipient refused: {refused}")
    return Outcome(True, "250")


def post_webhook(target: Target, *, secret: str, body: bytes, delivery_id: str, timestamp: int,
                 timeout_seconds: float = 10.0, verify: bool | str = True) -> Outcome:
    """POST the signed ``body`` to a checked webhook (``WebhookTargets.check``): to the address
    it was checked at, never to what its name resolves to by now, with its own ``Host`` and,
    over https, its name as SNI and as the name the certificate must carry. No proxy from the
    environment (it would connect by name) and no redirect is followed. ``verify``: a CA
    bundle other than the default one (tests)."""
    headers = {**_signed_headers(secret, body, delivery_id, timestamp), "Host": target.url.netloc}
    with requests.Session() as session:
        session.trust_env = False
        adapter = _PinnedAddress(target)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return _post(session, target.url.url, body, headers, timeout_seconds, verify)


class _PinnedAddress(HTTPAdapter):
    """Connects to the address a webhook was checked at (see :func:`post_webhook`)."""

    def __init__(self, target: Target) -> None:
        super().__init__(max_retries=0)
        self.target = target

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert)
        host_params["host"] = str(self.target.address)
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.target.url.host
        return host_params, pool_kwargs


def _signed_headers(secret: str, body: bytes, delivery_id: str, timestamp: int) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    return headers


def _post(session: requests.Session, url: str, body: bytes, headers: dict[str, str],
          timeout_seconds: float, verify: bool | str = True) -> Outcome:
    """One POST; the outcome holds the status code and a reason of our own, never what the
    other side wrote (its body is not even read): the delivery list shows it to users."""
    try:
        with session.post(url, data=body, headers=headers, timeout=timeout_seconds,
                          allow_redirects=False, stream=True, verify=verify) as response:
            status = response.status_code
    except requests.RequestException as exc:
        # Only the origin and the kind: the path of a webhook URL is often its secret.
        log.info("POST to %s failed: %s", _origin(url), type(exc).__name__)
        return Outcome(False, "", _failure_reason(exc, timeout_seconds))
    if 200 <= status < 300:
        return Outcome(True, str(status))
    return Outcome(False, str(status), _status_reason(status))


def _status_reason(status: int) -> str:
    """``HTTP 503 Service Unavailable``: the code and the standard phrase, not the server's."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _failure_reason(exc: requests.RequestException, timeout_seconds: float) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS failed: the certificate is not trusted or not for this host"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout_seconds:g} s"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "could not connect"
    return "the request failed"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}"


def send_sms(gateway: SmsGateway, *, to: str, text: str, delivery_id: str,
             timestamp: int) -> Outcome:
    """POST ``{"delivery_id", "to" (E.164), "text", "sender"}`` to the gateway, signed like a
    webhook (with ``SMS_GATEWAY_SECRET``); a 2xx answer means the gateway took the message.
    ``delivery_id`` lets the gateway drop a repeated attempt."""
    if not gateway.url:
        return Outcome(False, "", "no SMS gateway configured (SMS_GATEWAY_URL)",
                       suppress_reason="no_provider")
    body = json.dumps({"delivery_id": delivery_id, "to": to, "text": text,
                       "sender": gateway.sender}, ensure_ascii=False, sort_keys=True).encode()
    # The operator's own gateway (often inside the cluster): not a user's URL, so no address
    # policy, and the environment's proxy settings apply.
    with requests.Session() as session:
        return _post(session, gateway.url, body,
                     _signed_headers(gateway.secret, body, delivery_id, timestamp),
                     gateway.timeout_seconds)
