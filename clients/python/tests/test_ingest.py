"""ingest(): batching, results, duplicates, per-article and call errors."""

import grpc
import pandas as pd
import pytest

import tidings
from conftest import ARTICLES


def test_batches_keep_positions_and_seqs(fresh):
    _, client = fresh
    res = client.ingest(ARTICLES, batch_size=4)  # Batches of 4 and 2.
    assert list(res["index"]) == list(range(len(ARTICLES)))
    assert list(res["article_id"]) == [a["article_id"] for a in ARTICLES]
    assert [s for seqs in res["seqs"] for s in seqs] == list(
        range(1, len(ARTICLES) + 1))
    assert not res["duplicate"].any() and (res["error"] == "").all()
    assert res.attrs["head_seq"] == len(ARTICLES)
    assert len(res.attrs["store_id"]) == 32


def test_repeats_are_duplicates_with_the_first_seqs(fresh):
    _, client = fresh
    first = client.ingest(ARTICLES[:3])
    again = client.ingest(ARTICLES[:3], batch_size=1)
    assert again["duplicate"].all()
    assert list(again["seqs"]) == list(first["seqs"])
    assert len(client.query()) == 3


def test_a_bad_article_is_reported_and_the_others_stored(fresh):
    _, client = fresh
    arts = [ARTICLES[0], {"article_id": "empty", "title": " ", "body": ""},
            ARTICLES[1]]
    res = client.ingest(arts, batch_size=2)
    assert list(res["error"]) == ["", "INVALID_ARGUMENT", ""]
    assert res.loc[1, "message"] and res.loc[1, "seqs"] == []
    assert len(client.query()) == 2
    with pytest.raises(tidings.InvalidArgument, match="article 1"):
        client.ingest(arts, raise_on_error=True)


def test_a_batch_over_the_server_limit_fails_whole(server):
    client = tidings.Client(server.addr)  # --max-batch 50
    arts = [dict(a, article_id=f"big-{i}") for i, a in enumerate(ARTICLES * 9)]
    with pytest.raises(tidings.InvalidArgument) as e:
        client.ingest(arts, batch_size=51)
    assert e.value.code.name == "INVALID_ARGUMENT"
    client.close()


def test_articles_from_a_dataframe_and_messages(fresh):
    _, client = fresh
    frame = pd.DataFrame(ARTICLES[:2])
    frame["published_at"] = pd.to_datetime(frame["published_at"])
    res = client.ingest(frame)
    assert list(res["article_id"]) == ["gold-1", "geo-1"]
    df = client.query()
    assert df.loc[0, "published_at"] == pd.Timestamp("2024-03-01T09:00Z")
    with pytest.raises(ValueError, match="unknown article field"):
        client.ingest([{"headline": "x"}])
    with pytest.raises(ValueError, match="batch_size"):
        client.ingest(ARTICLES, batch_size=0)


class _Flaky:
    """An Ingest stub that fails with `codes` (one per call), then passes
    the calls to the real one. The first failure is after the server
    stored the batch (as when an answer is lost): the retry must come back
    as duplicates with the seqs of that first store."""

    def __init__(self, real, codes, pushback_ms=None):
        self.real, self.codes, self.calls = real, list(codes), 0
        self.pushback_ms = pushback_ms

    def __call__(self, request, **kwargs):
        self.calls += 1
        if self.calls == 1:
            self.real(request, **kwargs)  # Stored; the answer is "lost".
        if self.codes:
            raise _RpcError(self.codes.pop(0), self.pushback_ms)
        return self.real(request, **kwargs)


class _RpcError(grpc.RpcError):
    def __init__(self, code, pushback_ms):
        self._code, self._pushback = code, pushback_ms

    def code(self):
        return self._code

    def details(self):
        return "injected by the test"

    def trailing_metadata(self):
        if self._pushback is None:
            return ()
        return (("grpc-retry-pushback-ms", str(self._pushback)),)


def test_passing_failures_are_retried_and_stored_once(fresh):
    _, client = fresh
    flaky = _Flaky(client._stub.Ingest, [grpc.StatusCode.UNAVAILABLE,
                                         grpc.StatusCode.RESOURCE_EXHAUSTED],
                   pushback_ms=10)
    client._stub.Ingest = flaky
    res = client.ingest(ARTICLES[:3], backoff=0.01)
    assert flaky.calls == 3
    assert res["duplicate"].all()  # Stored by the first, "lost", call.
    assert [s for seqs in res["seqs"] for s in seqs] == [1, 2, 3]
    assert len(client.query()) == 3


def test_retries_run_out_and_other_errors_are_not_retried(fresh):
    _, client = fresh
    real = client._stub.Ingest
    flaky = _Flaky(real, [grpc.StatusCode.UNAVAILABLE] * 3)
    client._stub.Ingest = flaky
    with pytest.raises(tidings.Unavailable, match="injected"):
        client.ingest(ARTICLES[:1], retries=2, backoff=0.01)
    assert flaky.calls == 3  # The first try and two retries.
    flaky = _Flaky(real, [grpc.StatusCode.INVALID_ARGUMENT])
    client._stub.Ingest = flaky
    with pytest.raises(tidings.InvalidArgument):
        client.ingest(ARTICLES[1:2], backoff=0.01)
    assert flaky.calls == 1
    with pytest.raises(ValueError, match="retries"):
        client.ingest(ARTICLES[:1], retries=-1)
