"""Checks for the swap from the backend's own Zoom handlers to the SDK.

    python -m zoom_sdk.migrate check [--json]

reads the configuration the backend already has (``ZOOM_*``, ``ENCRYPTION_KEY``, and
``ZOOM_TOKEN_STORE=legacy-postgres:URL`` for its ``zoom_oauth_tokens`` table) and reports what
the SDK makes of the stored grants: how many it can use as they are, how many it will refresh
on first use, and how many users must connect again (or are unreadable, e.g. Fernet rows
without the key). No token is printed. Exit status 0 when every stored grant is usable or
refreshable, 1 when some user would have to reconnect, 2 when the store or the configuration
is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional

from .client import Client
from .errors import ZoomError


def check(client: Client) -> Dict[str, Any]:
    """The store's grants by state, the store's own readiness checks and a verdict."""
    tokens = client.health("tokens").to_dict()
    counts: Dict[str, int] = dict(tokens.get("counts") or {})
    readiness = client.readiness(online=False).to_dict()
    store_checks = [
        {k: r.get(k) for k in ("id", "status", "detail")}
        for r in readiness.get("results", [])
        if r.get("group") == "token_store"
    ]
    lost = counts.get("reauthorization_required", 0) + counts.get("unrecognized", 0)
    usable = counts.get("valid", 0) + counts.get("expiring_soon", 0) + counts.get("expired", 0)
    return {
        "token_store": client.config().get("token_store"),
        "counts": counts,
        "usable": usable,
        "must_reconnect": lost,
        "store_status": tokens.get("status"),
        "reasons": tokens.get("reasons", []),
        "store_checks": store_checks,
        "ok": lost == 0 and tokens.get("status") != "unhealthy",
    }


def _print(report: Dict[str, Any]) -> None:
    c = report["counts"]
    print(f"token store: {report['token_store']}")
    print(
        f"grants: {c.get('total', 0)} stored; {report['usable']} usable "
        f"({c.get('valid', 0)} valid, {c.get('expiring_soon', 0)} expiring soon, "
        f"{c.get('expired', 0)} expired and refreshed on first use)"
    )
    print(
        f"must reconnect: {report['must_reconnect']} "
        f"({c.get('reauthorization_required', 0)} refused by Zoom, "
        f"{c.get('unrecognized', 0)} unreadable); revoked: {c.get('revoked', 0)}"
    )
    for reason in report["reasons"]:
        print(f"  - {reason}")
    for chk in report["store_checks"]:
        print(f"  [{chk['status']}] {chk['id']}: {chk['detail']}")
    print("OK: no user has to reconnect" if report["ok"] else "ATTENTION: some users would have to reconnect")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zoom_sdk.migrate", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="what the SDK makes of the stored grants")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    try:
        report = check(Client.from_env())
    except ZoomError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print(report)
    if report["store_status"] == "unhealthy" and report["counts"].get("total", 0) == 0:
        return 2
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
