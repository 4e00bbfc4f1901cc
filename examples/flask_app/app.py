"""The backend's Zoom routes on zoom_sdk, with a page a person can use.

    python examples/flask_app/app.py [--port 5000] [--host 127.0.0.1]

With ``ZOOM_CLIENT_ID`` set it talks to real Zoom (user OAuth app: ``ZOOM_CLIENT_ID``,
``ZOOM_CLIENT_SECRET``, ``ZOOM_REDIRECT_URI`` = ``http://HOST:PORT/api/auth/zoom/callback``,
``ZOOM_TOKEN_STORE``, ``ZOOM_TOKEN_ENCRYPTION_KEY`` or ``ENCRYPTION_KEY``); without it, it starts the
bundled Zoom emulator (``ZOOM_EMULATOR_BIN``, or ``target/debug/zoom-emulator``) with its
consent page, so "Connect Zoom" shows an Authorize / Deny page as Zoom does.

Who is calling: the page signs in a demo user into Flask's signed session cookie; the desktop
app sends ``Authorization: Bearer $APP_API_TOKEN`` with ``X-User-ID`` (the header is trusted
only with that token). A real backend plugs its own authentication into :func:`current_user`.
The first line printed is ``APP_URL=http://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional

from flask import Flask, Request, abort, jsonify, redirect, request, send_file, session
from werkzeug.serving import make_server
from werkzeug.wrappers import Response as BaseResponse

import zoom_sdk
from zoom_sdk.flask import mount, resolvers

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def start_emulator(redirect_uri: str) -> "tuple[subprocess.Popen[str], Dict[str, Any]]":
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = os.environ.get("ZOOM_EMULATOR_BIN", str(target / "debug" / "zoom-emulator"))
    if not Path(binary).exists():
        sys.exit(f"no emulator at {binary}: run `cargo build -p zoom-emulator` or set ZOOM_EMULATOR_BIN")
    proc = subprocess.Popen(
        [binary, "--port", "0", "--no-request-log", "--consent", "--redirect-uri", redirect_uri,
         "--meetings-per-user", os.environ.get("EMULATOR_MEETINGS", "12"), "--recordings-per-user", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip().split("=", 1)[1]
    with urllib.request.urlopen(url + "/_emulator/config", timeout=10) as r:
        return proc, json.load(r)


def current_user(req: Request) -> Optional[str]:
    """The authenticated user: the page's session, or the desktop app's bearer token with
    ``X-User-ID``. Replace with the backend's own authentication."""
    user = session.get("user")
    if user:
        return str(user)
    token = os.environ.get("APP_API_TOKEN", "")
    given = req.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return resolvers.trusting_user_id_header(req)
    return None


def create_app(client: zoom_sdk.Client) -> Flask:
    app = Flask(__name__, static_folder=str(HERE / "static"), static_url_path="/static")
    app.secret_key = os.environ.get("APP_SECRET_KEY") or secrets.token_hex(32)
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)
    mount(app, client, resolve_user=current_user, after_connect="/")

    @app.get("/")
    def index() -> BaseResponse:
        if not session.get("user"):
            session["user"] = request.args.get("as") or "demo-user"
        return send_file(HERE / "static" / "index.html")

    @app.post("/app/sign-in")
    def sign_in() -> BaseResponse:
        name = (request.form.get("user") or "").strip()
        if not name or len(name) > 64:
            abort(400)
        session["user"] = name
        return redirect("/")

    @app.get("/app/me")
    def me() -> BaseResponse:
        return jsonify({"user": session.get("user")})

    @app.get("/app/recordings/<int:meeting_id>/<file_id>")
    def download(meeting_id: int, file_id: str) -> BaseResponse:
        """A recording file through the backend: Zoom's download URL needs the user's token,
        which never leaves the server."""
        user = current_user(request)
        if not user:
            abort(401)
        rec = client.user(user).recordings.get(meeting_id)
        files = [f for f in rec.recording_files if f.id == file_id and f.download_url]
        if not files:
            abort(404)
        f = files[0]
        folder = tempfile.mkdtemp(prefix="zoom-rec-")
        path = os.path.join(folder, f"{file_id}.{(f.file_extension or 'bin').lower()}")
        client.user(user).recordings.download(str(f.download_url), path)
        return send_file(path, as_attachment=True, download_name=os.path.basename(path))

    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5000)
    ap.add_argument("--access-log", action="store_true", help="log every request")
    args = ap.parse_args()
    if not args.access_log:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    holder: Dict[str, Flask] = {}

    def wsgi(environ: Any, start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    # Bind first: with --port 0 the redirect URI needs the port the OS picked.
    server = make_server(args.host, args.port, wsgi, threaded=True)
    base = f"http://{args.host}:{server.server_port}"
    emulator = None
    if os.environ.get("ZOOM_CLIENT_ID"):
        client = zoom_sdk.Client.from_env()
    else:
        emulator, cfg = start_emulator(f"{base}/api/auth/zoom/callback")
        client = zoom_sdk.Client(
            client_id=cfg["client_id"], client_secret=cfg["client_secret"], account_id=cfg["account_id"],
            redirect_uri=f"{base}/api/auth/zoom/callback", api_base_url=cfg["api_base_url"],
            oauth_base_url=cfg["oauth_base_url"], token_store=os.environ.get("ZOOM_TOKEN_STORE", "memory"),
            token_store_plaintext=True, index=os.environ.get("ZOOM_INDEX", "memory"),
            webhook_secret_token=os.environ.get("ZOOM_WEBHOOK_SECRET_TOKEN", "example-webhook-secret"),
            environment="development",
        )
        print(f"EMULATOR_URL={cfg['oauth_base_url']}", flush=True)
    holder["app"] = create_app(client)
    print(f"APP_URL={base}", flush=True)

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if emulator is not None:
            emulator.terminate()
            emulator.wait()


if __name__ == "__main__":
    main()
