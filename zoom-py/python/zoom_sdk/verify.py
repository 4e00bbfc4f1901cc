"""``python -m zoom_sdk.verify [--online] [--json]``: the SDK's production-readiness checks
(the same suite as the ``zoom-verify`` binary) over the ``ZOOM_*`` environment, for backends
that have Python but no Rust toolchain. Offline by default; ``--online`` also calls Zoom.
Exits 1 when a check fails, 2 when the configuration cannot be read."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .client import Client
from .errors import ZoomError


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zoom_sdk.verify", description=__doc__.split("\n")[0])
    ap.add_argument("--online", action="store_true", help="also call Zoom (OAuth, the API, health)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    try:
        report = Client.from_env().readiness(online=args.online).to_dict()
    except ZoomError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        for r in report.get("results", []):
            status = str(r.get("status", "")).upper() if r.get("status") != "skip" else "skip"
            print(f"{status:<5} {r.get('id', ''):<8} {r.get('title', ''):<62} {r.get('detail', '')}")
            if r.get("remediation") and r.get("status") in ("warn", "fail"):
                print(f"{'':15}fix: {r['remediation']}")
        mode = "online" if report.get("online") else "offline"
        print(
            f"\n{len(report.get('results', []))} checks ({mode} mode): {report.get('passed', 0)} passed, "
            f"{report.get('warned', 0)} warnings, {report.get('failed', 0)} failed, {report.get('skipped', 0)} skipped"
        )
    return 1 if report.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
