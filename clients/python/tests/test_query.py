"""query() -> DataFrame: types, values, filters, time windows, errors."""

import pandas as pd
import pytest

import tidings
from conftest import ARTICLES

UTC = "datetime64[ns, UTC]"


def by_id(df):
    return df.set_index("article_id")


def by_id_of(client, seqs):
    """The article ids of these seqs."""
    df = client.query()
    return list(df[df["seq"].isin(list(seqs))]["article_id"])


def test_one_row_per_signal_with_typed_columns(loaded):
    client, _ = loaded
    df = client.query()
    assert list(df["seq"]) == list(range(1, len(ARTICLES) + 1))
    assert list(df["article_id"]) == [a["article_id"] for a in ARTICLES]
    assert str(df["seq"].dtype) == "int64"
    for col in ("published_at", "received_at", "ingested_at"):
        assert str(df[col].dtype) == UTC, col
    for col in ("source", "sentiment_label", "published_origin",
                "gold_direction", "tariff_direction", "scorer_version"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    for col in ("sentiment", "gold", "tariff", "sanctions", "geopolitical",
                "gold_percent"):
        assert str(df[col].dtype) == "float64", col
    assert str(df["published_date_only"].dtype) == "bool"
    assert "body" not in df.columns  # The compact view unless body=True.


def test_values_match_the_articles(loaded):
    client, _ = loaded
    df = by_id(client.query())
    gold = df.loc["gold-1"]
    assert gold["published_at"] == pd.Timestamp("2024-03-01T09:00Z")
    assert gold["received_at"] == pd.Timestamp("2024-03-02T09:00Z")
    assert gold["published_origin"] == "publisher"
    assert gold["source"] == "wire"
    assert gold["gold"] >= 0.75 and gold["gold_direction"] == "up"
    assert gold["gold_percent"] == pytest.approx(1.2)
    assert gold["tariff_direction"] == "threatened"
    assert gold["n_events"] == 2 and gold["n_entities"] >= 2
    assert pd.isna(gold["sanctions"]) and pd.isna(gold["sanctions_direction"])
    assert df.loc["sanctions-1", "sanctions_direction"] == "imposed"
    assert df.loc["geo-1", "geopolitical_direction"] == "escalation"
    assert df.loc["company-1", "sentiment_label"] == "positive"
    assert df.loc["company-1", "n_events"] == 0
    now = pd.Timestamp.now(tz="UTC")
    assert ((now - df["ingested_at"]) < pd.Timedelta(minutes=10)).all()


def test_body_on_request(loaded):
    client, _ = loaded
    df = by_id(client.query(body=True))
    assert "missile strikes" in df.loc["geo-1", "body"]


def test_filters(loaded):
    client, _ = loaded
    ids = lambda **kw: sorted(client.query(**kw)["article_id"])  # noqa: E731
    assert ids(event_types="tariff") == ["gold-1", "tariff-1"]
    assert ids(event_types=["sanctions", "GOLD_PRICE_MOVE"]) == [
        "gold-1", "sanctions-1"]
    assert ids(entities="country:IR") == ["geo-2", "sanctions-1"]
    assert ids(sources=["daily"]) == ["company-1", "sanctions-1"]
    assert ids(sources="wire", event_types="geopolitical") == ["geo-1"]
    # min_relevance: events below it do not count, as in the events table.
    ev = tidings.events(client.query(include_duplicates=True))
    for x in (0.5, 0.9, 0.97, 1.0):
        strong = ev[(ev.event_type == "tariff") & (ev.relevance >= x)]
        want = sorted(by_id_of(client, strong["seq"]))
        assert ids(event_types="tariff", min_relevance=x) == want, x
    df = client.query(after_seq=2, limit=3)
    assert list(df["seq"]) == [3, 4, 5]
    with pytest.raises(ValueError, match="unknown event type"):
        client.query(event_types="weather")


def test_time_windows(loaded):
    client, _ = loaded
    ids = lambda **kw: list(client.query(**kw)["article_id"])  # noqa: E731
    assert ids(published_since="2024-03-02", published_until="2024-03-04") \
        == ["geo-1", "sanctions-1"]
    # Published on 5-6 March and already received by the 10th: geo-2 came
    # in a week late.
    assert ids(published_since="2024-03-05",
               received_until=pd.Timestamp("2024-03-10", tz="UTC")) \
        == ["tariff-1"]
    assert ids(since="2024-03-05T00:00", until="2024-03-07",
               time_field="published") == ["tariff-1", "geo-2"]
    assert ids(received_since="2024-03-13") == ["geo-2"]
    assert ids(ingested_until="2000-01-01") == []
    assert len(ids(ingested_since="2000-01-01")) == len(ARTICLES)


def test_as_of_is_what_was_stored_then(fresh):
    _, client = fresh
    client.ingest(ARTICLES[:2])
    first = client.query()
    cut = first["ingested_at"].max()
    client.ingest(ARTICLES[2:])
    assert len(client.query()) == len(ARTICLES)
    assert list(client.query(as_of=cut)["seq"]) == list(first["seq"])
    assert client.query(as_of="2000-01-01").empty


def test_empty_result_keeps_the_columns(loaded):
    client, _ = loaded
    df = client.query(sources="nobody")
    full = client.query(limit=1)
    assert df.empty and list(df.columns) == list(full.columns)
    assert str(df["published_at"].dtype) == UTC
    assert tidings.events(df).empty


def test_errors_carry_code_and_message(loaded):
    client, results = loaded
    with pytest.raises(tidings.OutOfRange) as e:
        client.query(after_seq=1000)
    assert e.value.code.name == "OUT_OF_RANGE"
    assert "beyond the head" in e.value.message
    with pytest.raises(tidings.FailedPrecondition) as e:
        client.query(expect_store_id="0" * 32)
    assert results.attrs["store_id"] in e.value.message
    ok = client.query(expect_store_id=results.attrs["store_id"])
    assert len(ok) == len(ARTICLES)
    with pytest.raises(tidings.NotFound):
        client.get(1000)
    assert client.get(1).article_id == "gold-1"


def test_unreachable_server_is_unavailable():
    client = tidings.Client("127.0.0.1:1", timeout=2)
    with pytest.raises(tidings.Unavailable):
        client.query()
