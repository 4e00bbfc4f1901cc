"""ZOOM_INTEGRATION_SETUP_GUIDE.md, run: every ```bash block in order in one shell (against an
emulator standing in for Zoom, with the environment the guide describes), and every ```python
block compiled. A command that stops working fails this test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from conftest import ROOT, WEBHOOK_SECRET, Emulator, _emulator_bin

GUIDE = ROOT / "ZOOM_INTEGRATION_SETUP_GUIDE.md"
APP_PORT = 5050


def blocks() -> List[Tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in re.finditer(r"```(\w*)\n(.*?)```", GUIDE.read_text(), re.S)]


def test_every_python_snippet_compiles() -> None:
    snippets = [code for lang, code in blocks() if lang == "python"]
    assert len(snippets) >= 8
    for i, code in enumerate(snippets):
        compile(code, f"{GUIDE.name}[python {i}]", "exec")


def test_every_command_of_the_guide_runs(tmp_path: Path) -> None:
    script = "\n".join(code for lang, code in blocks() if lang == "bash")
    assert "zoom_sdk.migrate check" in script and "zoom-verify" in script and "gunicorn" in script
    redirect = f"http://127.0.0.1:{APP_PORT}/api/auth/zoom/callback"
    emu = subprocess.Popen(
        [_emulator_bin(), "--port", "0", "--no-request-log", "--redirect-uri", redirect],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert emu.stdout is not None
    try:
        e = Emulator(emu.stdout.readline().strip().split("=", 1)[1])
        c = e.config
        env: Dict[str, str] = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_") and k not in ("ENCRYPTION_KEY", "VIRTUAL_ENV")}
        env.update(
            ZOOM_CLIENT_ID=c["client_id"],
            ZOOM_CLIENT_SECRET=c["client_secret"],
            ZOOM_ACCOUNT_ID=c["account_id"],
            ZOOM_REDIRECT_URI=redirect,
            ZOOM_API_BASE_URL=c["api_base_url"],
            ZOOM_OAUTH_BASE_URL=c["oauth_base_url"],
            ZOOM_WEBHOOK_SECRET_TOKEN=WEBHOOK_SECRET,
            ZOOM_TOKEN_STORE=f"sqlite:{tmp_path / 'zoom_tokens.db'}",
            ZOOM_ENVIRONMENT="guide-test",
            PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix)),
        )
        subprocess.run(["rm", "-rf", str(ROOT / ".venv-zoom")], check=True)
        # Output to a file, not a pipe: the servers started in the background keep a pipe open.
        log = tmp_path / "guide.log"
        with open(log, "w") as sink:
            proc = subprocess.Popen(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )
            try:
                proc.wait(timeout=900)
            finally:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        out = log.read_text()
        print(out)
        assert proc.returncode == 0, f"the guide's commands failed (exit {proc.returncode}):\n{out}"
        for expected in (
            "zoom_sdk ",
            "resealed ",
            "OK: no user has to reconnect",
            '"failed": 0',
            "checks (offline mode)",
            "checks (online mode)",
            redirect,
        ):
            assert expected in out, f"{expected!r} not in the guide's output"
        assert c["client_secret"] not in out and WEBHOOK_SECRET not in out
    finally:
        emu.terminate()
        emu.wait(timeout=10)
