"""The bearer token: sent as "authorization: Bearer ...", roles enforced."""

import pytest

import tidings
import tidings.testing
from conftest import ARTICLES


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    tokens = tmp_path_factory.mktemp("auth") / "tokens"
    tokens.write_text("reader-token\tsubscribe\nwriter-token\tpublish\n")
    with tidings.testing.Server("--tokens", str(tokens)) as s:
        yield s


def test_no_or_unknown_token_is_unauthenticated(guarded):
    with pytest.raises(tidings.Unauthenticated):
        tidings.Client(guarded.addr).query()
    with pytest.raises(tidings.Unauthenticated):
        tidings.Client(guarded.addr, token="nope").query()


def test_roles(guarded):
    writer = tidings.Client(guarded.addr, token="writer-token")
    reader = tidings.Client(guarded.addr, token="reader-token")
    assert len(writer.ingest(ARTICLES[:2])) == 2
    assert len(reader.query()) == 2
    assert next(iter(reader.subscribe(from_seq=0))).seq == 1
    assert reader.series("2024-03-01", "2024-03-02")["article_count"].sum() \
        >= 0
    with pytest.raises(tidings.PermissionDenied) as e:
        reader.ingest(ARTICLES[2:3])
    assert e.value.message
    with pytest.raises(tidings.PermissionDenied):
        writer.query()
