"""``crm-gateway serve | migrate | seed-demo | keygen | service-account``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crm_shared.auth.scopes import SCOPES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="crm-gateway", description="HTTP gateway of the CRM suite"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve HTTP with gunicorn (and relay the outbox)")
    sub.add_parser("migrate", help="upgrade the gateway's database to the newest revision")
    sub.add_parser("seed-demo", help="create the demo organisation unless it exists")
    keygen = sub.add_parser("keygen", help="write a new ES256 key pair for signing access tokens")
    keygen.add_argument("--private", required=True, type=Path, help="PEM file of the private key")
    keygen.add_argument("--public", required=True, type=Path, help="PEM file of the public key")
    keygen.add_argument("--force", action="store_true", help="overwrite existing files")
    account = sub.add_parser(
        "service-account",
        help="create or update a service's own account (client credentials) from a secret file")
    account.add_argument("--client-id", required=True, help="e.g. svc.marketing")
    account.add_argument("--secret-file", required=True, type=Path,
                         help="the client secret; written (mode 600) with a new one if missing")
    account.add_argument("--display-name", default="", help="defaults to the client id")
    account.add_argument("--department", required=True, help="department path, e.g. /hq")
    account.add_argument("--role", action="append", default=[], dest="roles",
                         help="a role besides `service` (repeatable; opens no RPC: a service "
                              "account is judged by its scopes)")
    account.add_argument("--scope", action="append", default=[], dest="scopes",
                         choices=sorted(SCOPES),
                         help="an OAuth scope (repeatable); it opens the RPCs that name it")
    account.add_argument("--data-scope", default="all", choices=("own", "department", "all"))
    args = parser.parse_args(argv)

    from crm_shared.log import configure_logging
    from crm_shared.settings import MigrateSettings, load_settings

    if args.command == "keygen":
        from crm_shared.auth import generate_signing_key

        existing = [p for p in (args.private, args.public) if p.exists()]
        if existing and not args.force:
            print(
                f"refusing to overwrite {', '.join(map(str, existing))} (use --force)",
                file=sys.stderr,
            )
            return 1
        generate_signing_key(args.private, args.public)
        print(f"wrote {args.private} and {args.public}", file=sys.stderr)
        return 0

    if args.command == "serve":
        from gateway.server import serve
        from gateway.settings import GatewaySettings

        settings = load_settings(GatewaySettings)
        configure_logging("gateway", settings.log_level)
        serve(settings)
        return 0

    settings = load_settings(MigrateSettings, service_name="gateway")
    configure_logging("gateway", settings.log_level)
    if args.command == "migrate":
        from crm_shared.migrations import upgrade

        upgrade("gateway", settings.database_url)
        print("gateway: database at head", file=sys.stderr)
    elif args.command == "seed-demo":
        from crm_shared.db import Database

        from gateway.identity.demo import seed_demo_organisation

        database = Database(settings.database_url)
        try:
            seeded = seed_demo_organisation(database)
        finally:
            database.dispose()
        print(
            "gateway: demo organisation " + ("seeded" if seeded else "already present"),
            file=sys.stderr,
        )
    elif args.command == "service-account":
        return _ensure_service_account(args, settings.database_url)
    return 0


def _ensure_service_account(args, database_url: str) -> int:
    """Bootstrap a service's credentials: the gateway stores the account, the service reads the
    same secret (a Kubernetes Secret, or the local suite's key folder)."""
    import secrets

    from crm_shared.db import Database

    from gateway.identity.directory import ensure_service_account
    from gateway.identity.passwords import PasswordHashing

    if args.secret_file.exists():
        secret = args.secret_file.read_text().strip()
    else:
        secret = secrets.token_urlsafe(32)
        args.secret_file.parent.mkdir(parents=True, exist_ok=True)
        args.secret_file.touch(mode=0o600)
        args.secret_file.write_text(secret + "\n")
    if not secret:
        print(f"{args.secret_file} is empty", file=sys.stderr)
        return 1
    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            _, changed = ensure_service_account(
                uow, hashing=PasswordHashing(), client_id=args.client_id, secret=secret,
                display_name=args.display_name or args.client_id,
                department_path=args.department, roles=args.roles, scopes=args.scopes,
                data_scope=args.data_scope)
    finally:
        database.dispose()
    print(f"gateway: service account {args.client_id} "
          + ("written" if changed else "already up to date"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
