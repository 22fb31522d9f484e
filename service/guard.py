"""The service's door: a bearer token on every route but the probes, and a body size cap.

An ASGI middleware, so that it runs before BentoML reads a byte of the body:

- when a token is configured (``CREDIT_API_TOKEN``), a request without
  ``Authorization: Bearer <token>`` gets 401 JSON, except on health, readiness and
  metrics (which load balancers and Prometheus call without secrets) and on the paths the
  service opens explicitly (the dashboard, when it has its own login);
- a body larger than the cap gets 413 JSON, whether it announces its length or streams
  it in chunks, so that no payload can exhaust the worker's memory;
- a ``Content-Length`` that is not a number gets 400 JSON.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Probes and metrics: answered without a token.
OPEN_PATHS = ("/healthz", "/livez", "/readyz", "/metrics")
#: Default cap: 1,000 full feature records of ~800 features fit in it.
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


async def _answer(send: Send, status: int, error: str, headers: Sequence[tuple[bytes, bytes]] = ()):
    body = json.dumps({"error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware enforcing the API token and the body size cap.

    Parameters
    ----------
    app : ASGI application
        What the guard protects.
    token : str or None
        The bearer token callers must present; ``None`` or empty disables the check.
    max_body_bytes : int
        Largest request body accepted.
    open_prefixes : sequence of str
        Extra path prefixes answered without a token.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        open_prefixes: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.token = (token or "").encode() or None
        self.max_body_bytes = max_body_bytes
        self.open_prefixes = tuple(p.rstrip("/") for p in open_prefixes if p.strip("/"))

    def _is_open(self, path: str) -> bool:
        if path in OPEN_PATHS:
            return True
        return any(path == p or path.startswith(p + "/") for p in self.open_prefixes)

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name.lower() == b"authorization":
                scheme, _, credential = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(
                    credential.strip(), self.token or b""
                )
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.token and not self._is_open(scope.get("path", "")) and not self._authorised(scope):
            await _answer(
                send,
                401,
                "missing or wrong API token: send 'Authorization: Bearer <token>'",
                [(b"www-authenticate", b"Bearer")],
            )
            return
        length = None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"content-length":
                length = value
        if length is not None:
            if not length.strip().isdigit():
                await _answer(
                    send, 400, f"Content-Length {length.decode(errors='replace')!r} is not a number"
                )
                return
            if int(length) > self.max_body_bytes:
                await _answer(send, 413, self._too_large(int(length)))
                return
            await self.app(scope, receive, send)
            return
        await self._streamed(scope, receive, send)

    def _too_large(self, size: int) -> str:
        return f"request body of {size} bytes exceeds the limit of {self.max_body_bytes} bytes"

    async def _streamed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A body without Content-Length (chunked): read it under the cap, then replay it."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await _answer(send, 413, self._too_large(size))
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
