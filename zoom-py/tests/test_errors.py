"""Every exception class, made from the core's ErrorKind in one place, with its attributes;
and secrets kept out of every repr and str."""

from __future__ import annotations

import socket

import pytest

import zoom_sdk
from zoom_sdk import errors
from zoom_sdk._zoom_sdk import _panic_for_test, error_kinds

from conftest import Emulator, approve


def test_every_error_kind_has_its_own_class() -> None:
    for name, code in error_kinds():
        cls = errors._BY_KIND.get(name)
        assert cls is not None and cls is not zoom_sdk.ZoomError, f"kind {name} ({code}) has no class"
        assert issubclass(cls, zoom_sdk.ZoomError)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return int(port)


def test_transport_timeout_rate_limit_and_oauth_errors(emulator: Emulator) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    c = zoom_sdk.Client(**emulator.settings(api_base_url=dead + "/v2"))
    c.refresh()  # the token comes from the emulator's OAuth host
    with pytest.raises(zoom_sdk.TransportError) as t:
        c.account().users.me()
    assert t.value.maybe_sent is False and t.value.retryable and isinstance(t.value, ConnectionError)

    slow = zoom_sdk.Client(**emulator.settings(request_timeout_secs=1))
    slow.refresh()
    emulator.faults(latency_ms=2500)
    with pytest.raises(zoom_sdk.TimeoutError) as to:
        slow.account().users.me()
    assert isinstance(to.value, TimeoutError) and isinstance(to.value, zoom_sdk.TransportError)
    emulator.clear_faults()

    emulator.faults(daily_limit_next=1)
    c2 = zoom_sdk.Client(**emulator.settings())
    with pytest.raises(zoom_sdk.RateLimitError) as rl:
        c2.account().users.me()
    assert rl.value.status == 429 and rl.value.limit_type == "daily"
    assert rl.value.retry_after is not None and rl.value.retry_after > 0

    bad = zoom_sdk.Client(**emulator.settings(client_secret="not-the-secret"))
    with pytest.raises(zoom_sdk.OAuthError) as oa:
        bad.account().users.me()
    assert oa.value.oauth_error == "invalid_client" and isinstance(oa.value, zoom_sdk.AuthError)


def test_state_storage_webhook_config_and_internal_errors(emulator: Emulator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    c = zoom_sdk.Client(**emulator.settings())
    with pytest.raises(zoom_sdk.StateMismatchError) as st:
        c.integration.complete("never-issued", "code")
    assert st.value.state_problem == "unknown"
    with pytest.raises(zoom_sdk.StorageError):
        zoom_sdk.Client(**emulator.settings(token_store=f"sqlite:{tmp_path}/missing-dir/x.db", token_store_plaintext=True))
    with pytest.raises(zoom_sdk.WebhookError):
        c.webhooks.verify(b"{}", {})
    no_secret = zoom_sdk.Client(**emulator.settings(webhook_secret_token=None))
    with pytest.raises(zoom_sdk.ConfigError) as cfg:
        no_secret.webhooks.url_validation("x")
    assert cfg.value.field == "webhook_secret_token"
    with pytest.raises(zoom_sdk.InternalError):
        _panic_for_test()


def test_a_disconnected_user_must_connect_again_with_the_url_given(emulator: Emulator) -> None:
    c = zoom_sdk.Client(**emulator.settings())
    start = c.integration.add("revoked")
    cb = approve(start.url)
    c.integration.complete(cb["state"], cb["code"])
    c.disconnect("revoked")
    # NotConnectedError is a ReauthorizationRequired: one except clause catches both.
    with pytest.raises(zoom_sdk.ReauthorizationRequired) as e:
        c.skills.get_user_profile("revoked")
    assert type(e.value) is zoom_sdk.NotConnectedError and e.value.connect_url


def test_no_secret_in_any_repr_or_str(emulator: Emulator) -> None:
    settings = emulator.settings()
    c = zoom_sdk.Client(**settings)
    auth = c.authorization_url()
    cb = approve(auth.url)
    stored = c.complete_authorization("secretive", cb["code"], cb["state"], auth.pending)
    start = c.integration.add("secretive-2")
    secrets = [settings["client_secret"], settings["webhook_secret_token"], auth.pending.pkce_verifier]
    shown = [repr(c), str(c), repr(c.aio), repr(auth), str(auth), repr(auth.pending), str(auth.pending),
             repr(stored), str(stored), repr(stored.to_dict()), repr(start), repr(c.health()),
             repr(c.readiness()), repr(c.metrics()), repr(c.token_status("secretive"))]
    try:
        zoom_sdk.Client(**emulator.settings(client_secret="wrong-secret-value")).account().users.me()
    except zoom_sdk.ZoomError as e:
        shown += [repr(e), str(e), repr(e.details)]
        secrets.append("wrong-secret-value")
    for text in shown:
        for s in secrets:
            assert s not in text, f"a secret leaked into {text[:80]}..."
    # The pending authorization's export keeps the verifier on purpose (server-side session).
    assert auth.pending.to_dict()["pkce_verifier"] == auth.pending.pkce_verifier
