"""A real uvicorn server on a free loopback port, in a thread of the test process.

Not a fixture module: tests use :class:`ServerThread` as a context manager around any
ASGI app (``tautrait serve``'s, or a stand-in for another steering service).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

from tautrait.serve.app import bind_socket


class ServerThread:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = bind_socket("127.0.0.1", 0)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()
