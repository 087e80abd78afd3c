"""Sending over the network: e-mail over SMTP, signed webhooks, and text messages through a
signed HTTP SMS gateway. Called by the delivery dispatcher outside any transaction; each
returns an :class:`Outcome`, never raises.

SMS carriers (Aliyun, Tencent Cloud, Twilio ...) each have their own API and credentials, so
the service speaks one small signed JSON contract to a gateway the operator runs in front of
theirs (:func:`send_sms`), the same way it signs webhooks."""

from __future__ import annotations

import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

import requests
from crm_shared.webhook_signatures import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


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


def send_email(config: SmtpConfig, *, to: str, subject: str, body: str,
               delivery_id: str) -> Outcome:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = formataddr(("", to))
    message["Subject"] = subject
    message[DELIVERY_HEADER] = delivery_id
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


def post_webhook(url: str, *, secret: str, body: bytes, delivery_id: str, timestamp: int,
                 timeout_seconds: float = 10.0) -> Outcome:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout_seconds,
                                 allow_redirects=False)
    except requests.RequestException as exc:
        return Outcome(False, "", f"{type(exc).__name__}: {exc}")
    if 200 <= response.status_code < 300:
        return Outcome(True, str(response.status_code))
    return Outcome(False, str(response.status_code),
                   f"HTTP {response.status_code}: {response.text[:200]}")


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
    return post_webhook(gateway.url, secret=gateway.secret, body=body, delivery_id=delivery_id,
                        timestamp=timestamp, timeout_seconds=gateway.timeout_seconds)
