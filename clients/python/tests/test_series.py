"""series(): the Series RPC as a DataFrame, against a recount by query()."""

import pandas as pd
import pytest

import tidings


def test_daily_counts_and_shares_agree_with_query(loaded):
    client, _ = loaded
    s = client.series("2024-03-01", "2024-03-08", bucket="day",
                      time_field="published", event_types="tariff")
    assert list(s["start"]) == list(pd.date_range("2024-03-01", periods=7,
                                                  freq="D", tz="UTC"))
    assert str(s["start"].dtype) == "datetime64[ns, UTC]"
    df = client.query(published_since="2024-03-01",
                      published_until="2024-03-08")
    day = df["published_at"].dt.floor("D")
    want_articles = day.value_counts().reindex(s["start"], fill_value=0)
    assert list(s["article_count"]) == list(want_articles)
    tariff_days = day[df["tariff"].notna()].value_counts().reindex(
        s["start"], fill_value=0)
    assert list(s["event_count"]) == list(tariff_days)
    assert s.loc[0, "event_share"] == 1.0 and s.loc[1, "event_share"] == 0
    assert s["index"].isna().all()
    assert s.attrs["head_seq"] >= len(df) and s.attrs["store_id"]
    hist = s.filter(regex="^sentiment_")
    assert (hist.sum(axis=1) == s["article_count"]).all()


def test_group_by_and_index(loaded):
    client, _ = loaded
    s = client.series("2024-03-01", "2024-03-07", bucket="day",
                      time_field="published", group_by="event_type",
                      index_base=("2024-03-01", "2024-03-07"))
    assert set(s["group"]) == {"GOLD_PRICE_MOVE", "TARIFF", "SANCTIONS",
                               "GEOPOLITICAL_TENSION"}
    geo = s[s["group"] == "GEOPOLITICAL_TENSION"]
    assert list(geo["event_count"]) == [0, 1, 0, 0, 0, 1]
    # Scaled to mean 100 over the base period (the buckets with articles).
    assert geo["index"].mean() == pytest.approx(100)


def test_directions_and_sources(loaded):
    client, _ = loaded
    s = client.series("2024-03-01", "2024-03-07", bucket="week",
                      time_field="published", event_types="tariff",
                      directions=["imposed"], sources=["blog", "wire"])
    assert s["article_count"].sum() == 4
    assert s["event_count"].sum() == 1  # tariff-1; gold-1's is threatened.


def test_bad_request_is_invalid_argument(loaded):
    client, _ = loaded
    with pytest.raises(tidings.InvalidArgument) as e:
        client.series("2024-03-02", "2024-03-01")
    assert e.value.message
    with pytest.raises(ValueError, match="unknown bucket"):
        client.series("2024-03-01", bucket="fortnight")
