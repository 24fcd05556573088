"""A loopback TCP listener that counts the connections made to it: the witness that no request left the process
(pyoxigraph's Rust HTTP client bypasses Python's audit hooks, so only a real socket sees it)."""

from __future__ import annotations

import socket
import threading


class Listener:
    """A loopback TCP server that counts connections and answers nothing useful."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"


# Queries Oxigraph reads and rdflib (airm's checker) does not, each with a SERVICE that must never run (issue 12),
# and queries whose comments or strings the two parsers once read differently.
BYPASS_QUERIES = {
    "lateral-service": "SELECT * WHERE {{ ?s ?p ?o . LATERAL {{ SERVICE <{url}x> {{ ?s ?p ?o }} }} }}",
    "version-prologue": 'VERSION "1.2" SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} }}',
    "adjust-function": 'SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} '
                       'BIND(ADJUST(NOW(), "PT0S"^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration>) AS ?x) }}',
    "reifier": "SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} ?s ?p ?o ~ _:r }}",
    "triple-term": "SELECT * WHERE {{ SERVICE <{url}x> {{ ?s ?p ?o }} BIND(<<( <a:b> <a:c> <a:d> )>> AS ?t) }}",
    "escaped-quote-hides-service": 'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}x> {{ ?s ?p ?o }} '
                                   'BIND("\\u0022" AS ?b) }}',
    "carriage-return-ends-comment": "ASK {{ ?s ?p ?o # comment\r SERVICE <{url}x> {{ ?a ?b ?c }}\n}}",
    # the same carriage return, with the SERVICE also hidden from the plain lexer: inside what it took for an IRI
    # (a less-than, no spaces, a '>' in a comment) or after a prefixed name's escaped '\#' it took for a comment
    "carriage-return-and-less-than": "PREFIX ex: <{url}> ASK {{ FILTER(1<2)#\rSERVICE\rex:x#>\n{{ ?a ?b ?c }} }}",
    "carriage-return-and-escaped-hash": "PREFIX ex: <{url}> ASK {{ #\rBIND(ex:a\\# AS ?z) SERVICE ex:x "
                                        "{{ ?a ?b ?c }}\n}}",
}
