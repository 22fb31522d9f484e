"""The request guard (token and body cap) as an ASGI middleware, driven in-process."""

from __future__ import annotations

import asyncio
import json

import pytest

from service.guard import RequestGuard


async def _echo(scope, receive, send) -> None:
    """An app that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = json.dumps({"received": size}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def run(guard: RequestGuard, path: str, chunks: list[bytes], headers: list | None = None):
    """Send one request through ``guard``; return (status, JSON body)."""
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": "POST", "headers": headers or []}
    asyncio.run(guard(scope, receive, send))
    status = sent[0]["status"]
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    return status, body


def test_guard_refuses_a_streamed_body_over_the_cap() -> None:
    """A chunked body without Content-Length is cut at the cap with 413."""
    guard = RequestGuard(_echo, max_body_bytes=100)
    status, body = run(guard, "/score", [b"x" * 60, b"x" * 60])
    assert status == 413 and "limit of 100 bytes" in body["error"]
    assert run(guard, "/score", [b"x" * 60, b"x" * 40]) == (200, {"received": 100})


@pytest.mark.parametrize(("length", "status"), [(b"101", 413), (b"abc", 400), (b"100", 200)])
def test_guard_checks_the_announced_length(length: bytes, status: int) -> None:
    """An announced length over the cap is 413 before reading; a non-number is 400."""
    guard = RequestGuard(_echo, max_body_bytes=100)
    answer, _ = run(guard, "/score", [b"x" * 100], [(b"content-length", length)])
    assert answer == status


def test_guard_token_spares_probes_and_open_prefixes() -> None:
    """With a token: probes, metrics and open prefixes pass; the rest needs the bearer."""
    guard = RequestGuard(_echo, token="t0k", open_prefixes=("/ui",))
    assert run(guard, "/score", [b"{}"])[0] == 401
    assert run(guard, "/score", [b"{}"], [(b"authorization", b"Bearer nope")])[0] == 401
    assert run(guard, "/score", [b"{}"], [(b"authorization", b"Basic t0k")])[0] == 401
    assert run(guard, "/score", [b"{}"], [(b"authorization", b"Bearer t0k")])[0] == 200
    for path in ("/healthz", "/readyz", "/metrics", "/ui", "/ui/assets/app.js"):
        assert run(guard, path, [b""])[0] == 200, path
    assert run(guard, "/uix", [b""])[0] == 401


def test_guard_without_token_lets_everything_through() -> None:
    """No token configured (unset or empty): only the body cap applies."""
    for token in (None, ""):
        assert run(RequestGuard(_echo, token=token), "/score", [b"{}"])[0] == 200
