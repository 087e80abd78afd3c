"""One service's gRPC api inside the test process, the way the services' integration tests
call it: the real servicer (the service's ``build_bindings``) inside the real server bootstrap
(``GrpcApi``: auth and error mapping), called through the suite's client factory (``connect``)
with tokens from a test issuer.

The outbox relay is off, so the events a call wrote stay in the outbox where ``events`` reads
them; the broker address is a port nothing listens on (only the health check looks, once an
hour). The session's ``keys`` fixture is the issuer and the public key; ``rpc_error`` describes
the error of a call that must fail (see ``pytest_plugin``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import grpc
import pytest
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.audiences import audience_of, audiences_for
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import CallError, describe_rpc_error
from crm_shared.settings import ApiSettings
from sqlalchemy import select

from .ports import free_port

__all__ = ["InProcessApi", "Person", "failed_call", "principal_claims", "signing_keys"]

# What the gateway's tokens say of themselves, and so what every api verifies (each api its own
# audience, crm_shared.auth.audiences; test tokens name what the gateway's would).
TOKEN_ISSUER = "crm-gateway"

Person = tuple[tuple[str, ...], str, str] | tuple[tuple[str, ...], str, str, tuple[str, ...]]
"""A user's roles, department path and data scope; a service account's (role ``service``) also
its OAuth scopes (what its token's ``scope`` claim grants: ``crm_shared.auth.scopes``)."""


def signing_keys(folder: Path) -> tuple[TokenIssuer, Path]:
    """A new key pair in ``folder``: the issuer of test tokens, and the public key file the
    apis verify them with."""
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer=TOKEN_ISSUER)
    return issuer, folder / "signing.pub"


def principal_claims(who) -> dict[str, Any]:
    """The token claims of a caller given as a ``crm_shared.auth.Principal``, or as anything
    with its attributes (``user_id``, ``username``, ``roles``, ``department_path``,
    ``data_scope``, and ``scopes`` if it has any)."""
    return {"user_id": who.user_id, "username": who.username, "roles": who.roles,
            "department_path": who.department_path, "data_scope": who.data_scope,
            "scopes": getattr(who, "scopes", ())}


def failed_call(call, *args, **kwargs) -> CallError:
    """The described error (code, message, field violations) of a call that must fail."""
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


class InProcessApi:
    """``bindings(database, settings)`` served on 127.0.0.1 (a port the kernel picks) with
    ``settings_cls`` settings (``settings`` override the test defaults), on ``database``: a URL
    of a migrated database, or a ``Database`` the test shares with it (left open on ``stop``).

    A caller is a user id of ``people`` (its username too), or whatever ``claims`` turns into
    the claims of its token; ``None`` calls without one. ``stub(caller)`` is the caller's
    ``stub_class`` client of ``service`` (one per caller); ``channel(caller, service)`` a new
    channel, for a client of its own.
    """

    def __init__(self, service_name: str, bindings: Callable, database: str | Database, keys,
                 *, service=None, stub_class=None, people: Mapping[str, Person] | None = None,
                 claims: Callable[[Any], dict[str, Any]] | None = None,
                 settings_cls: type[ApiSettings] = ApiSettings, **settings) -> None:
        self.issuer, public_key = keys
        self.service, self.stub_class = service, stub_class
        self.people = people or {}
        self._claims = claims or self._person_claims
        self._owns_database = isinstance(database, str)
        self.database = Database(database) if self._owns_database else database
        self.settings = settings_cls(**{
            "service_name": service_name, "database_url": self.database.url,
            "amqp_url": f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            "jwt_public_key_file": public_key, "outbox_relay": False,
            "health_check_seconds": 3600, **settings})
        self.audience = audience_of(service_name)
        verifier = TokenVerifier.from_file(public_key, issuer=TOKEN_ISSUER,
                                           audience=self.audience)
        self.server = GrpcApi(self.settings, self.database,
                              bindings(self.database, self.settings), verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []
        self._stubs: dict[Any, Any] = {}

    def _person_claims(self, caller: str) -> dict[str, Any]:
        roles, department_path, data_scope, *scopes = self.people[caller]
        return {"user_id": caller, "username": caller, "roles": list(roles),
                "department_path": department_path, "data_scope": data_scope,
                "scopes": list(scopes[0]) if scopes else []}

    def token(self, caller) -> str | None:
        """A new access token of ``caller``; ``None`` has none. It names this api besides what
        the gateway's token would name, so a service account whose scopes this api does not
        declare meets the access gate here (what its tests check), not the audience check."""
        if caller is None:
            return None
        claims = self._claims(caller)
        audience = {*audiences_for(claims["roles"], claims.get("scopes", ())), self.audience}
        return self.issuer.issue(**claims, audience=sorted(audience))

    def channel(self, caller, service=None) -> grpc.Channel:
        """A new channel calling ``service`` (by default the api's own) as ``caller``."""
        token = self.token(caller)
        channel = connect(self.target, [service or self.service], token_provider=lambda: token)
        self._channels.append(channel)
        return channel

    def stub(self, caller):
        """The ``stub_class`` client of the api's own service calling as ``caller``."""
        if caller not in self._stubs:
            self._stubs[caller] = self.stub_class(self.channel(caller))
        return self._stubs[caller]

    def events(self, routing_key: str, message_type=None) -> list:
        """The outbox's events of ``routing_key`` in order: decoded as ``message_type``, or as
        the JSON the wire carries."""
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.routing_key == routing_key).order_by(OutboxMessage.id)).all()
            if message_type is None:
                return [json.loads(row.payload) for row in rows]
            return [wire.decode(row.payload, message_type) for row in rows]

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        if self._owns_database:
            self.database.dispose()
