"""``graphkeras view FILE``: the interactive viewer page, served from this machine.

FILE is a model file (a JSON config or a saved model, whatever
``graphkeras summary`` reads) or a page ``gk.utils.view_model`` wrote. The
page is served from ``127.0.0.1`` only, by Python's ``http.server``, and
opened in the browser unless ``--no-browser``:

    graphkeras view model.gk
    graphkeras view model.html --port 8765 --no-browser

The server answers GET and HEAD for the page itself (``/`` and
``/<file name>``) and 404 for anything else: it never reads another file.
Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import webbrowser
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import graphkeras as gk
from graphkeras.cli_inspect import USAGE_ERROR, CommandError, read_model

HOST = "127.0.0.1"
PAGE_MARKER = b'id="gk-data"'
"""Every page ``view_model`` writes holds its data in this element."""


def add_command(commands) -> None:
    """Register ``view`` on the ``graphkeras`` subparsers."""
    view = commands.add_parser(
        "view",
        help="open a model's interactive graph viewer in the browser",
        description="Serve a model's interactive graph page from 127.0.0.1 and open it in "
        "the browser. FILE is a model (JSON config, .gk, .keras, .h5) or a page written by "
        "gk.utils.view_model.",
    )
    view.add_argument(
        "file",
        metavar="FILE",
        help="a model JSON config, a saved model file, or an .html page from view_model",
    )
    view.add_argument(
        "--port",
        type=int,
        default=0,
        metavar="N",
        help="the port to serve on (default 0: any free port; the URL is printed)",
    )
    view.add_argument(
        "--no-browser", action="store_true", help="print the URL without opening a browser"
    )


class PageServer:
    """An HTTP server on ``127.0.0.1`` that serves one page and nothing else.

    ``serve_forever()`` blocks until ``shutdown()`` (from another thread) or
    Ctrl+C; ``close()`` frees the port.
    """

    def __init__(self, page: bytes, file_name: str = "model.html", port: int = 0) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535; received port={port}.")
        self.page = page
        paths = {"/", "/index.html", "/" + file_name}
        self.server = ThreadingHTTPServer((HOST, port), _handler_for(page, paths))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/"

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.1)

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever`; safe to call from any other thread."""
        self.server.shutdown()

    def close(self) -> None:
        self.server.server_close()


def _handler_for(page: bytes, paths: set[str]) -> type[BaseHTTPRequestHandler]:
    class PageHandler(BaseHTTPRequestHandler):
        """Answers the page's own paths with the page; 404 for every other path."""

        server_version = "graphkeras-view"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            path = self.path.split("?", 1)[0]
            if path in paths:
                status, body, kind = HTTPStatus.OK, page, "text/html; charset=utf-8"
            else:
                status, body, kind = HTTPStatus.NOT_FOUND, b"not found\n", "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            """Quiet: the terminal shows the URL, not every request."""

    return PageHandler


def page_for(path: str) -> bytes:
    """The page for FILE: a view_model page as it is, or a new page of the model it holds."""
    if path.lower().endswith((".html", ".htm")) and os.path.isfile(path):
        with open(path, "rb") as handle:
            page = handle.read()
        if PAGE_MARKER not in page:
            raise CommandError(
                f"'{path}' is an HTML file but not a page written by gk.utils.view_model"
            )
        return page
    model = read_model(path)
    return gk.utils.view_model(model, path=None).html.encode("utf-8")


def run(arguments: argparse.Namespace, ready: Callable[[PageServer], None] | None = None) -> int:
    """Serve FILE's page until interrupted; the exit status.

    ``ready`` (for tests and embedding) runs in a thread of its own, given
    the server, once the URL is printed; its ``shutdown()`` ends the command.
    """
    try:
        page = page_for(arguments.file)
        try:
            server = PageServer(page, _page_name(arguments.file), arguments.port)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot serve on port {arguments.port}: {error}") from error
    except CommandError as error:
        print(f"graphkeras view: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(f"Serving {arguments.file} at {server.url} (Ctrl+C to stop)", flush=True)
    if not arguments.no_browser:
        webbrowser.open(server.url)
    if ready is not None:
        threading.Thread(target=ready, args=(server,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.close()
    return 0


def _page_name(path: str) -> str:
    base = os.path.splitext(os.path.basename(path))[0] or "model"
    return base + ".html"
