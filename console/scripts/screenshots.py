"""Screenshots of the console's main pages for ``docs/console.md``, at desktop and phone size.

Run against a running suite (``make run``) with demo data in it:

    uv run python console/scripts/screenshots.py --console http://127.0.0.1:8090

It signs in as the demo users, opens each page (the first customer, lead, opportunity and
ticket it finds in the lists), and writes ``docs/console/<page>-<desktop|phone>.png``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
OUT = Path(__file__).resolve().parents[2] / "docs" / "console"

# (name, user, path or a list page whose first record link to follow, link selector)
PAGES = (
    ("sign-in", None, "/sign-in", None),
    ("my-work", "rep.zhang", "/", None),
    ("customers", "sales.lead", "/customers/", None),
    ("customer-360", "sales.lead", "/customers/", "table.data a[href^='/customers/']"),
    ("leads", "sales.lead", "/leads/", None),
    ("pipeline", "sales.lead", "/opportunities/", None),
    ("sales-reports", "sales.lead", "/sales/reports", None),
    ("approvals", "sales.lead", "/sales/approvals", None),
    ("sales-targets", "sales.lead", "/sales/targets", None),
    ("service-targets", "service.lead", "/service/targets", None),
    ("ticket-queue", "tech.lead", "/tickets/", None),
    ("ticket", "tech.lead", "/tickets/", "a[href^='/tickets/'][href*='-']"),
    ("new-ticket", "agent.wang", "/tickets/new", None),
    ("dashboard", "admin", "/dashboard", None),
    ("segments", "marketer.chen", "/marketing/segments", None),
    ("inbox", "tech.lead", "/inbox/", None),
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--console", default="http://127.0.0.1:8090")
    parser.add_argument("--language", default="zh-CN")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for size, viewport in SIZES.items():
            signed_in: dict[str, object] = {}
            for name, user, path, follow in PAGES:
                page = signed_in.get(user)
                if page is None:
                    context = browser.new_context(viewport=viewport, locale=args.language)
                    page = context.new_page()
                    if user:
                        page.goto(f"{args.console}/sign-in?lang={args.language}")
                        page.fill("input[name=username]", user)
                        page.fill("input[name=password]", "demo")
                        page.click("form.stacked button[type=submit]")
                        page.wait_for_url(lambda url: "/sign-in" not in url)
                        signed_in[user] = page
                page.goto(args.console + path)
                if follow:
                    link = page.locator(follow).first
                    if link.count() == 0:
                        print(f"{name}: no record to open on {path}; skipped")
                        continue
                    link.click()
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=size == "desktop")
                print(f"wrote {target}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
