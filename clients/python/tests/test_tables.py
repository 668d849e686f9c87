"""events() and entities(): tidy long tables, one row per signal x item."""

import pandas as pd
import pytest

import tidings


def test_events_table_has_a_row_per_signal_and_event(loaded):
    client, _ = loaded
    df = client.query()
    ev = tidings.events(df)
    assert len(ev) == df["n_events"].sum()
    assert list(ev.columns[:4]) == ["seq", "published_at", "ingested_at",
                                    "source"]
    assert isinstance(ev["event_type"].dtype, pd.CategoricalDtype)
    gold = ev[(ev.seq == 1) & (ev.event_type == "gold")].iloc[0]
    assert gold["direction"] == "up"
    assert gold["percent"] == pytest.approx(1.2)
    assert gold["unit"] == "USD/oz"
    tariff = ev[(ev.seq == 1) & (ev.event_type == "tariff")].iloc[0]
    assert "country:CN" in tariff["actors"].split(";")
    assert pd.isna(tariff["percent"])
    # Same rows through query(events=True).
    pd.testing.assert_frame_equal(client.query(events=True), ev)


def test_tables_follow_a_subset_of_rows(loaded):
    client, _ = loaded
    df = client.query()
    sub = df[df["source"] == "daily"].copy()
    assert set(tidings.events(sub)["seq"]) == {3}
    assert set(tidings.entities(sub)["seq"]) == {3, 4}


def test_entities_table(loaded):
    client, _ = loaded
    df = client.query()
    en = tidings.entities(df)
    assert len(en) == df["n_entities"].sum()
    row = en[(en.seq == 3) & (en.entity == "country:IR")].iloc[0]
    assert row["kind"] == "country" and row["mentions"] >= 1
    assert str(row["sentiment_label"]) in ("positive", "negative", "neutral")
    acme = en[en.seq == 4]
    assert (acme["kind"] == "company").any()


def test_tables_from_signal_messages(loaded):
    client, _ = loaded
    signals = client.query_signals(event_types="geopolitical")
    ev = tidings.events(signals)
    assert set(ev["event_type"]) == {"geopolitical"}
    df = tidings.to_frame(signals)
    assert list(df["article_id"]) == ["geo-1", "geo-2"]


def test_a_foreign_frame_is_refused(loaded):
    with pytest.raises(ValueError, match="does not hold its signals"):
        tidings.events(pd.DataFrame({"seq": [1]}))
