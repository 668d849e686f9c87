"""Signals to pandas DataFrames, built column by column.

``signals_frame`` makes one row per signal; ``events`` and ``entities`` the
tidy long tables (one row per signal x event, per signal x entity). A
DataFrame made by ``signals_frame`` keeps its signals (in ``df.attrs``), so
``events(df)`` works on it, and on any subset of its rows, later.
"""

import math

import numpy as np
import pandas as pd

from tidings import convert

_NAT = np.iinfo(np.int64).min
_NS = 1_000_000_000
_EVENT_COLUMNS = [convert.EVENT_NAMES[t] for t in sorted(convert.EVENT_NAMES)]


class _Signals:
    """The Signal messages behind a DataFrame, kept by reference in
    df.attrs["signals"]: never deep-copied with the frame (pandas may copy
    attrs) and never printed in full."""

    def __init__(self, signals):
        self.signals = signals

    def __deepcopy__(self, memo):
        return self

    def __len__(self):
        return len(self.signals)

    def __repr__(self):
        return f"<{len(self.signals)} tidings signals>"


def _times(ns):
    """int64 nanoseconds (_NAT where unset) -> datetime64[ns, UTC] values."""
    arr = np.asarray(ns, dtype=np.int64).view("datetime64[ns]")
    return pd.DatetimeIndex(arr).tz_localize("UTC")


def _categorical_from_enum(values, categories):
    """Enum numbers (0 = unspecified -> NaN) as a Categorical of names."""
    codes = np.asarray(values, dtype=np.int16) - 1
    codes[(codes < 0) | (codes >= len(categories))] = -1
    return pd.Categorical.from_codes(codes, categories=categories)


def _ns(ts):
    s = ts.seconds
    n = ts.nanos
    return _NAT if s == 0 and n == 0 else s * _NS + n


def _collect(signals):
    """One pass over the messages: a list per column (events: the strongest
    of each type per signal)."""
    n = len(signals)
    c = {name: [None] * n for name in (
        "article_id", "title", "source", "url", "author", "scorer_version")}
    c.update({name: [0] * n for name in (
        "seq", "doc_index", "duplicate_of_seq", "published_at", "ingested_at",
        "received_at", "published_origin", "sentiment_label", "n_events",
        "n_entities")})
    c["published_date_only"] = [False] * n
    c["sentiment"] = [0.0] * n
    c["gold_percent"] = [math.nan] * n
    rel = {t: [math.nan] * n for t in convert.EVENT_NAMES}
    dirs = {t: [0] * n for t in convert.EVENT_NAMES}
    (seq, doc_index, dup, article_id, title, source, url, author, version,
     published, ingested, received, origin, date_only, score, label,
     n_events, n_entities, gold_pct) = (c[k] for k in (
         "seq", "doc_index", "duplicate_of_seq", "article_id", "title",
         "source", "url", "author", "scorer_version", "published_at",
         "ingested_at", "received_at", "published_origin",
         "published_date_only", "sentiment", "sentiment_label", "n_events",
         "n_entities", "gold_percent"))
    gold = convert.pb.GOLD_PRICE_MOVE
    for i, s in enumerate(signals):
        seq[i] = s.seq
        doc_index[i] = s.doc_index
        dup[i] = s.duplicate_of_seq
        article_id[i] = s.article_id
        title[i] = s.title
        source[i] = s.source
        url[i] = s.url
        author[i] = s.author
        version[i] = s.scorer_version
        published[i] = _ns(s.published_at)
        ingested[i] = _ns(s.ingested_at)
        received[i] = _ns(s.received_at)
        origin[i] = s.published_origin
        date_only[i] = s.published_date_only
        sentiment = s.sentiment
        score[i] = sentiment.score
        label[i] = sentiment.label
        n_entities[i] = len(s.entities)
        events = s.events
        if not events:
            continue
        n_events[i] = len(events)
        for e in events:
            t = e.type
            r = rel.get(t)
            if r is None:
                continue  # A type this client does not know.
            v = e.relevance
            if not r[i] >= v:  # The first (NaN) or a stronger one.
                r[i] = v
                dirs[t][i] = e.direction
                if t == gold and e.magnitude.has_percent:
                    gold_pct[i] = e.magnitude.percent
    return c, rel, dirs


def signals_frame(signals, body=False):
    """One row per signal, typed columns (see README). `signals`: a list of
    Signal messages. `body`: add the cleaned text column (FULL view)."""
    c, rel, dirs = _collect(signals)
    enum = _categorical_from_enum
    columns = {
        "seq": np.asarray(c["seq"], dtype=np.int64),
        "article_id": c["article_id"],
        "doc_index": np.asarray(c["doc_index"], dtype=np.int32),
        "title": c["title"],
        "source": pd.Categorical(c["source"]),
        "url": c["url"],
        "author": c["author"],
        "published_at": _times(c["published_at"]),
        "published_origin": enum(c["published_origin"], convert.TIME_ORIGINS),
        "published_date_only": np.asarray(c["published_date_only"],
                                          dtype=bool),
        "received_at": _times(c["received_at"]),
        "ingested_at": _times(c["ingested_at"]),
        "sentiment": np.asarray(c["sentiment"], dtype=np.float64),
        "sentiment_label": enum(c["sentiment_label"],
                                convert.SENTIMENT_LABELS),
        "n_events": np.asarray(c["n_events"], dtype=np.int16),
        "n_entities": np.asarray(c["n_entities"], dtype=np.int16),
    }
    for t, name in convert.EVENT_NAMES.items():
        columns[name] = np.asarray(rel[t], dtype=np.float64)
        columns[name + "_direction"] = enum(dirs[t], convert.DIRECTIONS)
    columns["gold_percent"] = np.asarray(c["gold_percent"], dtype=np.float64)
    columns["duplicate_of_seq"] = np.asarray(c["duplicate_of_seq"],
                                             dtype=np.int64)
    columns["scorer_version"] = pd.Categorical(c["scorer_version"])
    if body:
        columns["body"] = [s.body for s in signals]
    df = pd.DataFrame(columns, copy=False)
    df.attrs["signals"] = _Signals(signals)
    return df


def _signals_of(source):
    """The Signal messages of a DataFrame made here (only its rows, by seq)
    or of an iterable of Signal messages."""
    if isinstance(source, pd.DataFrame):
        held = source.attrs.get("signals")
        if not isinstance(held, _Signals):
            raise ValueError(
                "this DataFrame does not hold its signals: pass one made by "
                "Client.query() or tidings.to_frame() (or a subset of one), "
                "or the Signal messages")
        if len(source) == len(held):
            # All its rows (seq is unique and the rows keep their order).
            seqs = source["seq"].to_numpy()
            if len(seqs) == 0 or (held.signals[0].seq == seqs[0] and
                                  held.signals[-1].seq == seqs[-1]):
                return held.signals
        wanted = set(source["seq"].tolist())
        return [s for s in held.signals if s.seq in wanted]
    return list(source)


def _base(signals_with_rows):
    """Per long-table row: the signal's seq, times and source."""
    seq, published, ingested, source = [], [], [], []
    for s in signals_with_rows:
        seq.append(s.seq)
        published.append(_ns(s.published_at))
        ingested.append(_ns(s.ingested_at))
        source.append(s.source)
    return {
        "seq": np.asarray(seq, dtype=np.int64),
        "published_at": _times(published),
        "ingested_at": _times(ingested),
        "source": pd.Categorical(source),
    }


def events(source):
    """One row per signal x event: seq, published_at, ingested_at, source,
    event_type, relevance, direction, percent and price (NaN unless the
    event says), unit, actors (";"-joined entity ids). `source`: a DataFrame
    from Client.query() (or rows of one), or Signal messages."""
    owners, etype, rel, direction, pct, price, unit, actors = (
        [], [], [], [], [], [], [], [])
    for s in _signals_of(source):
        for e in s.events:
            owners.append(s)
            etype.append(e.type)
            rel.append(e.relevance)
            direction.append(e.direction)
            m = e.magnitude
            pct.append(m.percent if m.has_percent else math.nan)
            price.append(m.price if m.has_price else math.nan)
            unit.append(m.unit)
            actors.append(";".join(e.actors))
    df = pd.DataFrame(_base(owners), copy=False)
    names = [convert.EVENT_NAMES.get(t) for t in etype]
    df["event_type"] = pd.Categorical(names, categories=_EVENT_COLUMNS)
    df["relevance"] = np.asarray(rel, dtype=np.float64)
    df["direction"] = _categorical_from_enum(direction, convert.DIRECTIONS)
    df["percent"] = np.asarray(pct, dtype=np.float64)
    df["price"] = np.asarray(price, dtype=np.float64)
    df["unit"] = unit
    df["actors"] = actors
    return df


def entities(source):
    """One row per signal x entity: seq, published_at, ingested_at, source,
    entity (id), name, kind, mentions, country, sentiment (the entity's own
    score) and sentiment_label. `source` as for `events`."""
    owners, eid, name, kind, mentions, country, score, label = (
        [], [], [], [], [], [], [], [])
    for s in _signals_of(source):
        for e in s.entities:
            owners.append(s)
            eid.append(e.id)
            name.append(e.name)
            kind.append(e.kind)
            mentions.append(e.mentions)
            country.append(e.country)
            score.append(e.sentiment.score)
            label.append(e.sentiment.label)
    df = pd.DataFrame(_base(owners), copy=False)
    df["entity"] = pd.Categorical(eid)
    df["name"] = name
    df["kind"] = _categorical_from_enum(kind, convert.ENTITY_KINDS)
    df["mentions"] = np.asarray(mentions, dtype=np.int32)
    df["country"] = country
    df["sentiment"] = np.asarray(score, dtype=np.float64)
    df["sentiment_label"] = _categorical_from_enum(label,
                                                   convert.SENTIMENT_LABELS)
    return df


def series_frame(response):
    """SeriesResponse -> one row per point (group, then time)."""
    points = response.points
    n = len(points)
    start = [0] * n
    group = [None] * n
    counts = np.zeros((n, 2), dtype=np.int64)
    floats = np.full((n, 4), math.nan)
    hist = np.zeros((n, 5), dtype=np.int64)
    for i, p in enumerate(points):
        start[i] = _ns(p.start)
        group[i] = p.group
        counts[i] = (p.article_count, p.event_count)
        floats[i, :3] = (p.event_share, p.mean_sentiment,
                         p.event_mean_sentiment)
        if p.HasField("index"):
            floats[i, 3] = p.index
        h = p.sentiment_histogram
        if len(h) == 5:
            hist[i] = h
    df = pd.DataFrame({
        "start": _times(start),
        "group": pd.Categorical(group),
        "article_count": counts[:, 0],
        "event_count": counts[:, 1],
        "event_share": floats[:, 0],
        "mean_sentiment": floats[:, 1],
        "event_mean_sentiment": floats[:, 2],
        "index": floats[:, 3],
    })
    for j, name in enumerate(["very_negative", "negative", "neutral",
                              "positive", "very_positive"]):
        df["sentiment_" + name] = hist[:, j]
    df.attrs.update(head_seq=response.head_seq, first_seq=response.first_seq,
                    store_id=response.store_id,
                    since=convert.to_time(response.since),
                    until=convert.to_time(response.until))
    return df
