"""HTTP(S) requests that a cancel cuts at once, whatever the server does.

A read on a socket blocks until data comes or the timeout passes; a stalled server (one that
accepted the connection, then sends nothing) held a cancelled download for the whole timeout.
``CancellableOpener`` records every connection it opens and, as soon as ``cancel`` is set, shuts
them down (without closing them: the reading thread still owns them), so the blocked read returns
at once — while waiting for the response's headers as while reading its body.

    with CancellableOpener(cancel) as opener:
        response = opener.open(request, timeout=30)
        ...
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable

POLL_S = 0.1  # how often the cancel flag is looked at

Cancel = Callable[[], bool] | threading.Event


def is_cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    return cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())


class CancellableOpener:
    """A urllib opener whose connections a cancel shuts down (checked every POLL_S on a
    watcher thread, from ``__enter__`` to ``__exit__``)."""

    def __init__(self, cancel: Cancel | None) -> None:
        self.cancel = cancel
        self._sockets: list[socket.socket] = []
        self._done, self._lock = threading.Event(), threading.Lock()
        self._shut = False
        self._thread = threading.Thread(target=self._watch, name="download-cancel", daemon=True)
        self._opener = urllib.request.build_opener(_HTTPHandler(self), _HTTPSHandler(self))

    def open(self, request: urllib.request.Request, timeout: float):
        return self._opener.open(request, timeout=timeout)

    def __enter__(self) -> CancellableOpener:
        if self.cancel is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:  # no socket is shut down once its reader is done with it
            self._done.set()
        if self._thread.ident is not None:
            self._thread.join()

    def register(self, sock: socket.socket) -> None:
        """Watch a new connection (shut down at once if the cancel already came)."""
        with self._lock:
            self._sockets.append(sock)
            if self._shut:
                _shut_down(sock)

    def _watch(self) -> None:
        while not self._done.wait(POLL_S):
            if is_cancelled(self.cancel):
                with self._lock:
                    if not self._done.is_set():
                        self._shut = True
                        for sock in self._sockets:
                            _shut_down(sock)
                return


def _shut_down(sock: socket.socket) -> None:
    # The plain socket's method: SSLSocket's own would drop its TLS state under the reader.
    with contextlib.suppress(OSError):  # closed already
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], owner: CancellableOpener) -> type:
    class Watched(base):
        def connect(self) -> None:
            super().connect()
            owner.register(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, owner: CancellableOpener) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPConnection, owner)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, owner: CancellableOpener) -> None:
        self._ssl = ssl.create_default_context()
        super().__init__(context=self._ssl)
        self._connection = _watched(http.client.HTTPSConnection, owner)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._ssl)
