"""A local HTTP server (127.0.0.1) for the downloader's tests: serves files with Range support,
and on request misbehaves as real networks do: a chunked response cut short, a server that stalls
mid-body."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server:
    """Serves ``files`` (name -> bytes) under ``url``; records each request's Range header.

    ``honour_range``: False to answer every Range request with the whole file (status 200).
    ``cut_chunked[name] = n``: send the file chunked, and close the connection after n bytes.
    ``stall[name] = n``: send n bytes, then nothing until ``release`` is set (or 60 s pass);
    n = -1: not even the response's headers.
    ``stalled``: set once a stalled response has sent what it sends.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.ranges: list[str | None] = []
        self.honour_range = True
        self.cut_chunked: dict[str, int] = {}
        self.stall: dict[str, int] = {}
        self.stalled = threading.Event()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # chunked transfer encoding needs it

            def do_GET(self):  # noqa: N802 (http.server's name)
                name = self.path.rsplit("/", 1)[1]
                server.ranges.append(self.headers.get("Range"))
                self.close_connection = True
                if name not in server.files:
                    self.send_error(404, "Not Found")
                    return
                body = server.files[name]
                if server.stall.get(name) == -1:
                    server.stalled.set()
                    server.release.wait(60)
                    return
                requested = self.headers.get("Range")
                start = int(requested[6:].rstrip("-")) if requested and server.honour_range else 0
                if start >= len(body) and requested:
                    self.send_error(416, "Range Not Satisfiable")
                    return
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                if name in server.cut_chunked:
                    self.send_cut_chunked(body[start:], server.cut_chunked[name])
                    return
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if name in server.stall:
                    self.wfile.write(body[start : start + server.stall[name]])
                    self.wfile.flush()
                    server.stalled.set()
                    server.release.wait(60)
                    return
                self.wfile.write(body[start:])

            def send_cut_chunked(self, body: bytes, cut_after: int) -> None:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(f"{len(body):x}\r\n".encode() + body[:cut_after])
                self.wfile.flush()  # and the connection closes: the chunk never ends

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mirror"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
