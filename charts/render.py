"""`helm template` without a helm binary: render charts/crm with the real Helm engine.

    uv run python charts/render.py                 # values.yaml only
    uv run python charts/render.py dev             # + values-dev.yaml
    uv run python charts/render.py prod --set services.customer.api.replicaCount=3
    uv run python charts/render.py prod --notes    # NOTES.txt instead of the manifests

Values files layer like `helm -f`; `--set` takes Helm's syntax. Schema errors and template
failures are printed and exit with status 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

import helm_python
import yaml

CHART = Path(__file__).parent / "crm"


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("profile", nargs="?", choices=["default", "dev", "prod"], default="default")
    parser.add_argument("--set", action="append", default=[], help="key=value (Helm --set syntax)")
    parser.add_argument("--release", default="crm")
    parser.add_argument("--namespace", default="crm")
    parser.add_argument("--notes", action="store_true", help="print NOTES.txt")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` is fine

    values: dict[str, Any] = {}
    if args.profile != "default":
        values = yaml.safe_load((CHART / f"values-{args.profile}.yaml").read_text())
    for assignment in args.set:
        values = merge(values, helm_python.parse_set_string(assignment))
    try:
        with helm_python.Chart.load(CHART) as chart:
            manifests = chart.render(values, name=args.release, namespace=args.namespace)
    except helm_python.HelmError as error:
        print(error, file=sys.stderr)
        return 1
    for path, text in sorted(manifests.items()):
        is_notes = path.endswith("NOTES.txt")
        if is_notes != args.notes or not text.strip():
            continue
        if not is_notes:
            print(f"---\n# Source: {path}")
        print(text.strip().removeprefix("---").strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
