"""The HTTP connection limits uvicorn does not set: a deadline for a request's headers and a cap on their size.

uvicorn arms no timer while a request's headers arrive (its keep-alive timer stops at the first byte), so a client
that sends one header byte at a time holds a connection, and its memory, for as long as it likes. And h11's size
limit applies only to headers still incomplete in its buffer: 70 KB of headers arriving in one read pass it. Here
a connection must deliver complete headers within ``header_timeout`` seconds of opening (or of its previous answer),
and the request line and headers together may not pass ``MAX_HEADER_BYTES``. An answer is written into the
transport's buffer whole; a client that stops reading it would hold the connection and that memory for good, so once
writing pauses the client has ``SEND_TIMEOUT_FACTOR`` header deadlines to take more, or the connection is dropped.
"""

from __future__ import annotations

import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 64 * 1024  # request line and headers together
HEADER_TIMEOUT = 10.0  # seconds for a request's line and headers to arrive
SEND_TIMEOUT_FACTOR = 3  # a client must take some of an answer within three header deadlines (as app.py's body)

log = logging.getLogger("airm.server")


def header_bytes(scope: dict) -> int:
    """Size of a request's line and headers as the client sent them (near enough: separators counted)."""
    size = len(scope.get("method", "")) + len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) + 16
    return size + sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))


def refuse_large_headers(scope: dict):
    """The 431 answer (status, headers, body) for a request whose headers pass the cap; None when they fit."""
    size = header_bytes(scope)
    if size <= MAX_HEADER_BYTES:
        return None
    body = (f"error: the request line and headers are {size:,} bytes; this server accepts at most "
            f"{MAX_HEADER_BYTES:,}\n  hint: send long queries in a POST body\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), (b"x-airm-error", b"headers-too-large")]
    return 431, headers, body


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline (seconds from ``config.airm_header_timeout``)."""

    _header_timer = None
    _send_timer = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_header_deadline()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's headers arrived whole
            self._disarm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()  # the next request on this connection gets the same deadline

    def connection_lost(self, exc) -> None:
        self._disarm_header_deadline()
        self._disarm_send_deadline()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The client has stopped taking the answer: it has a deadline to take more, or the answer is dropped."""
        super().pause_writing()
        self._disarm_send_deadline()
        timeout = SEND_TIMEOUT_FACTOR * getattr(self.config, "airm_header_timeout", HEADER_TIMEOUT)
        self._send_timer = self.loop.call_later(timeout, self._send_deadline_passed, timeout)

    def resume_writing(self) -> None:
        self._disarm_send_deadline()
        super().resume_writing()

    def _disarm_send_deadline(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_deadline_passed(self, timeout: float) -> None:
        self._send_timer = None
        log.info("dropped a connection from %s: it took none of its answer for %g s", (self.client or ("?",))[0],
                 timeout)
        self.transport.abort()  # close() would wait, holding the buffered answer, until the client reads it

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        timeout = getattr(self.config, "airm_header_timeout", HEADER_TIMEOUT)
        self._header_timer = self.loop.call_later(timeout, self._header_deadline_passed, timeout)

    def _disarm_header_deadline(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline_passed(self, timeout: float) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        partial = self.conn.trailing_data[0]
        if not (self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE and partial):
            self.transport.close()  # idle (keep-alive), or past an answer already sent: nothing to say
            return
        body = f"error: the request headers did not arrive within {timeout:g} s\n".encode()
        self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        log.info("closed a connection from %s: no complete request headers within %g s",
                 (self.client or ("?",))[0], timeout)
        self.transport.close()
