"""subscribe(): replay, live, reconnect and resume, a wiped store."""

import queue
import threading

import pytest

import tidings
import tidings.testing
from conftest import ARTICLES

TIMEOUT = 20  # Seconds any one expected signal may take.


class Consumer:
    """Runs a subscribe() generator in a thread; signals (or the error that
    ended it) arrive on a queue."""

    def __init__(self, addr, **kwargs):
        self.items = queue.Queue()
        self.client = tidings.Client(addr)
        self._gen = self.client.subscribe(**kwargs)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            for s in self._gen:
                self.items.put(s)
        except Exception as e:  # noqa: BLE001 - handed to the test
            self.items.put(e)

    def stop(self):
        """Ends the generator: its next call fails on the closed channel."""
        self.client.close()
        self._thread.join(TIMEOUT)

    def take_signals(self, n):
        """The next n signals, skipping heartbeats."""
        out = []
        while len(out) < n:
            item = self.take(1)[0]
            if item.DESCRIPTOR.name == "Signal":
                out.append(item)
        return out

    def take(self, n):
        out = []
        for _ in range(n):
            item = self.items.get(timeout=TIMEOUT)
            if isinstance(item, Exception):
                raise item
            out.append(item)
        return out


def test_replay_from_seq_then_stop(loaded):
    client, _ = loaded
    seqs = []
    for s in client.subscribe(from_seq=0):
        seqs.append(s.seq)
        if len(seqs) == len(ARTICLES):
            break
    assert seqs == list(range(1, len(ARTICLES) + 1))
    tail = next(iter(client.subscribe(from_seq=4, event_types="geopolitical")))
    assert tail.article_id == "geo-2"


def test_live_signals_and_heartbeats(fresh):
    server, client = fresh
    c = Consumer(server.addr, heartbeats=True)  # Stopped before the server.
    hb = c.take(1)[0]
    assert hb.head_seq == 0 and len(hb.store_id) == 32
    client.ingest(ARTICLES[:2])
    assert [s.article_id for s in c.take(2)] == ["gold-1", "geo-1"]
    c.stop()


def test_resumes_after_the_server_restarts(tmp_path):
    data = str(tmp_path / "data")
    first = tidings.testing.Server(data=data, keep_data=True)
    port = first.port
    try:
        with tidings.Client(first.addr) as writer:
            writer.ingest(ARTICLES[:3])
        c = Consumer(first.addr, from_seq=0, backoff=0.05,
                     max_backoff=0.5)
        assert [s.seq for s in c.take(3)] == [1, 2, 3]
        first.stop()
        second = tidings.testing.Server(data=data, keep_data=True,
                                        listen=f"127.0.0.1:{port}")
        try:
            with tidings.Client(second.addr) as writer:
                writer.ingest(ARTICLES[3:])
            # No gap, no repeat: resumed with from_seq 3.
            assert [s.seq for s in c.take(3)] == [4, 5, 6]
            assert c.items.empty()
        finally:
            c.stop()
            second.close()
    finally:
        first.close()


def test_from_now_resumes_at_the_head_it_started_at(tmp_path):
    data = str(tmp_path / "data")
    first = tidings.testing.Server(data=data, keep_data=True)
    port = first.port
    try:
        with tidings.Client(first.addr) as writer:
            writer.ingest(ARTICLES[:2])
        c = Consumer(first.addr, heartbeats=True, backoff=0.05,
                     max_backoff=0.5)
        assert c.take(1)[0].head_seq == 2  # Started now: after seq 2.
        first.stop()
        second = tidings.testing.Server(data=data, keep_data=True,
                                        listen=f"127.0.0.1:{port}")
        try:
            with tidings.Client(second.addr) as writer:
                writer.ingest(ARTICLES[2:4])
            # Not 1 and 2 again: resumed after the first stream's head.
            assert [x.seq for x in c.take_signals(2)] == [3, 4]
        finally:
            c.stop()
            second.close()
    finally:
        first.close()


def test_a_wiped_store_is_an_error_not_a_silent_replay(tmp_path):
    first = tidings.testing.Server(data=str(tmp_path / "a"), keep_data=True)
    port = first.port
    try:
        with tidings.Client(first.addr) as writer:
            writer.ingest(ARTICLES[:2])
        c = Consumer(first.addr, from_seq=0, backoff=0.05,
                     max_backoff=0.5)
        c.take(2)  # The stream's first heartbeat gave it the store id.
        first.stop()
        second = tidings.testing.Server(data=str(tmp_path / "b"),
                                        keep_data=True,
                                        listen=f"127.0.0.1:{port}")
        try:
            with tidings.Client(second.addr) as writer:
                writer.ingest(ARTICLES)
            with pytest.raises(tidings.FailedPrecondition) as e:
                c.take(1)
            assert "store" in e.value.message
        finally:
            c.stop()
            second.close()
    finally:
        first.close()


def test_gives_up_after_max_retries():
    gen = tidings.Client("127.0.0.1:1").subscribe(
        from_seq=0, backoff=0.01, max_backoff=0.02, max_retries=2)
    with pytest.raises(tidings.Unavailable):
        next(gen)


def test_a_cursor_beyond_the_head_is_raised_at_once(loaded):
    client, _ = loaded
    with pytest.raises(tidings.OutOfRange):
        next(client.subscribe(from_seq=10**6))
