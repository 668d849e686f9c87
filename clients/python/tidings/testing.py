"""A `tidings serve` child process for tests, benchmarks and examples.

    with tidings.testing.Server() as server:      # port 0, a temp data dir
        client = tidings.Client(server.addr)

The binary is $TIDINGS_BINARY (CTest sets it to the built one), else
`tidings` on PATH.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

_SERVING = re.compile(r"serving on (\S+?),")


def binary():
    path = os.environ.get("TIDINGS_BINARY") or shutil.which("tidings")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("no tidings binary: set TIDINGS_BINARY to the built "
                           "one (build/tidings)")
    return path


class Server:
    """`tidings serve --listen LISTEN --data DATA ARGS...`; ready once it
    logs "serving on HOST:PORT" (``addr``). ``data`` defaults to a new
    temporary directory, removed by ``close()`` unless ``keep_data``."""

    def __init__(self, *args, listen="127.0.0.1:0", data=None,
                 keep_data=False, start_timeout=30.0):
        self._own_dir = None
        if data is None:
            self._own_dir = tempfile.mkdtemp(prefix="tidings-py-")
            data = os.path.join(self._own_dir, "data")
        self.data = data
        self.keep_data = keep_data
        self.log = []
        self._ready = threading.Event()
        self.addr = None
        self._proc = subprocess.Popen(
            [binary(), "serve", "--listen", listen, "--data", data, *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(start_timeout) or self.addr is None:
            self.close()
            raise RuntimeError("tidings serve did not start:\n" +
                               "".join(self.log[-20:]))

    def _read(self):
        for line in self._proc.stderr:
            self.log.append(line)
            m = _SERVING.search(line)
            if m and self.addr is None:
                self.addr = m.group(1)
                self._ready.set()
        self._ready.set()  # Exited before serving.

    @property
    def port(self):
        return int(self.addr.rsplit(":", 1)[1])

    def stop(self, timeout=15.0):
        """SIGTERM, then SIGKILL after `timeout` seconds; the exit code."""
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._reader.join(5)
        return self._proc.returncode

    def close(self):
        self.stop()
        if self._own_dir and not self.keep_data:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
