"""The example app for a WSGI server, configured from the environment (``ZOOM_*``):

    gunicorn -w 2 -b 127.0.0.1:5051 --chdir examples/flask_app wsgi:app

With ``--preload`` the client is made in the master before the workers fork; zoom_sdk rebuilds
its runtime and connections in each worker on first use, so both ways work.
"""

from __future__ import annotations

import zoom_sdk
from app import create_app

app = create_app(zoom_sdk.Client.from_env())
