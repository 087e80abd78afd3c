"""``crm-console serve``: the staff web console under gunicorn."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-console", description="staff web console")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the console over HTTP with gunicorn")
    sub.add_parser("check-vendor", help="verify the vendored front-end files")
    args = parser.parse_args(argv)

    if args.command == "check-vendor":
        from crm_console.vendor import main as vendor_main

        return vendor_main([])

    from crm_shared.log import configure_logging
    from crm_shared.settings import load_settings

    from crm_console.server import serve
    from crm_console.settings import ConsoleSettings

    settings = load_settings(ConsoleSettings)
    configure_logging("console", settings.log_level)
    serve(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
