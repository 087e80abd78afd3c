"""``crm-gateway serve | migrate | seed-demo | keygen``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
