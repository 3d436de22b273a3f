"""Screenshot pages in headless Chromium (Debian's), for looking at what we made.

Usage: .venv/bin/python tools/screenshot.py URL OUT.png [--width 375] [--full] [--login USER:PASSWORD]

With ``--login`` it first signs in on the site's /beheer/inloggen (the coordinator pages).
"""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--print", dest="print_media", action="store_true", help="emulate print media")
    ap.add_argument("--login", help="USER:PASSWORD to sign in with first")
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.print_media:
            page.emulate_media(media="print")
        if args.login:
            user, _sep, password = args.login.partition(":")
            site = "/".join(args.url.split("/")[:3])
            page.goto(site + "/beheer/inloggen")
            page.fill("#field-username", user)
            page.fill("#field-password", password)
            page.click("form.stacked-form button")
            page.wait_for_load_state("networkidle")
        page.goto(args.url, wait_until="networkidle")
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()


if __name__ == "__main__":
    main()
