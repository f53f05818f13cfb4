"""Fault-injection helpers: a dedicated redis-server per test on its own loopback port (chosen by the kernel)."""

import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import missing_service


def dead_port() -> int:
    """A loopback port nobody listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PortTaken(RuntimeError):
    """redis-server could not bind its port (another process took it between choosing and binding)."""


class RedisServer:
    """A throwaway redis-server on 127.0.0.1:<port>, without persistence; stop() and start() at will."""

    def __init__(self, port: int, tmp_path) -> None:
        self.port = port
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # Our own process must be the one listening: when another test's server took the port first,
            # redis-server exits at once and connecting would reach the wrong server.
            if self.process.poll() is not None:
                raise PortTaken(self.port)
            if self._answers_as_ours():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def _answers_as_ours(self) -> bool:
        import redis

        try:
            info = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5).info("server")
        except redis.exceptions.RedisError:
            return False
        if self.process is None or info.get("process_id") != self.process.pid:
            raise PortTaken(self.port)
        return True

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        missing_service("needs redis-server on the PATH")
    for _attempt in range(5):
        server = RedisServer(dead_port(), tmp_path)
        try:
            server.start()
            break
        except PortTaken:
            continue
    else:
        raise RuntimeError("no loopback port for a test redis-server after 5 attempts")
    try:
        yield server
    finally:
        server.stop()
