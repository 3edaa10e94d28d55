"""The proof page: a local web page (127.0.0.1 only) that shows the issue's pages side by side and,
beside them, the build's errors and warnings, the fonts standing in for a role and the page figures.
It follows the watch loop by itself: the page listens to server-sent events (``/events``) and fetches
the new state and the page images that changed, without reloading.

What is served, and nothing else (every other path is 404, every method but GET and HEAD is 405;
there is no directory listing and no file is read from disk on request):

    /                   the proof page (proof/page.html)
    /state.json         the state after the last build (jianbao.proof.state.Snapshot)
    /events             server-sent events: the state's version after every build
    /page/N.png         page N of the last good build (PNG, rendered in memory)
    /ISSUE.pdf          the last good PDF
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import urlsplit

from jianbao.proof.state import Board

HOST = "127.0.0.1"
HEARTBEAT_S = 15.0
_PAGE = re.compile(r"^/page/([1-9][0-9]{0,3})\.png$")
_SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def page_html() -> bytes:
    return resources.files("jianbao.proof").joinpath("page.html").read_bytes()


class ProofServer:
    """The HTTP server of one board, on a free port of 127.0.0.1, in a thread of its own."""

    def __init__(self, board: Board, port: int = 0) -> None:
        self.board = board
        html = page_html()

        class Handler(_Handler):
            pass

        Handler.board = board
        Handler.html = html
        self.httpd = ThreadingHTTPServer((HOST, port), Handler)
        self.httpd.daemon_threads = True
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="proof-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> ProofServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.board.close()  # ends the event streams
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    board: Board
    html: bytes
    server_version = "jianbao-proof"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows the builds, not every image request

    # --- methods -----------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._get(body=True)

    def do_HEAD(self) -> None:
        self._get(body=False)

    def _refuse_method(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "405 校对页面只能查看，不接受修改\n".encode(),
                   "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_CONNECT = do_TRACE = _refuse_method

    # --- routes ------------------------------------------------------------------------------------

    def _get(self, body: bool) -> None:
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, "403 只接受本机地址的访问\n".encode(), "text/plain; charset=utf-8")
            return
        path = urlsplit(self.path).path
        snapshot = self.board.snapshot
        if path == "/":
            self._send(HTTPStatus.OK, self.html, "text/html; charset=utf-8", body=body)
        elif path == "/state.json":
            data = json.dumps(snapshot.as_json(), ensure_ascii=False).encode()
            self._send(HTTPStatus.OK, data, "application/json; charset=utf-8", body=body)
        elif path == "/events" and body:
            self._events()
        elif (m := _PAGE.match(path)) and (image := self.board.image(int(m[1]))) is not None:
            self._send(HTTPStatus.OK, image, "image/png", body=body)
        elif path == f"/{snapshot.pdf}" and (pdf := self.board.pdf()) is not None:
            self._send(HTTPStatus.OK, pdf, "application/pdf", body=body)
        else:
            self._send(HTTPStatus.NOT_FOUND, "404 没有这个页面\n".encode(), "text/plain; charset=utf-8", body=body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        for name, value in _SECURITY.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        version = self.board.snapshot.version
        try:
            self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
            self.wfile.flush()
            while not self.board.closed:
                snapshot = self.board.wait_newer(version, HEARTBEAT_S)
                if self.board.closed:
                    break
                if snapshot.version > version:
                    version = snapshot.version
                    self.wfile.write(f"data: {version}\n\n".encode())
                else:
                    self.wfile.write(b": heartbeat\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed

    # --- helpers -----------------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        """Only requests addressed to this machine (a page elsewhere cannot rebind a name to us)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost")

    def _send(self, status: HTTPStatus, data: bytes, ctype: str, *, body: bool = True,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in {**_SECURITY, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)
