"""Conversions between Python values and the API's messages: times, enum
names, filters. Internal to the package."""

import datetime as _dt

import pandas as pd

try:
    from tidings.v1 import tidings_pb2 as pb
except ImportError as e:  # pragma: no cover - a setup problem, said plainly
    raise ImportError(
        "tidings: the generated stubs (tidings/v1/tidings_pb2.py) are missing: "
        "build the project (cmake --build build) and put build/clients/python "
        "on PYTHONPATH, or install it (see clients/python/README.md)") from e

# Short names as `tidings query --events` takes them, and the enum names.
EVENT_NAMES = {
    pb.GOLD_PRICE_MOVE: "gold",
    pb.TARIFF: "tariff",
    pb.SANCTIONS: "sanctions",
    pb.GEOPOLITICAL_TENSION: "geopolitical",
}
_EVENT_BY_NAME = {v: k for k, v in EVENT_NAMES.items()}
_EVENT_BY_NAME.update({pb.EventType.Name(k).lower(): k for k in EVENT_NAMES})

DIRECTIONS = [pb.Direction.Name(v).lower() for v in range(1, 12)]
SENTIMENT_LABELS = ["positive", "negative", "neutral"]
TIME_ORIGINS = ["publisher", "page", "page_relative"]
ENTITY_KINDS = [pb.EntityKind.Name(v).lower() for v in range(1, 9)]

_TIME_FIELDS = {
    None: pb.INGESTED_AT, "ingested": pb.INGESTED_AT,
    "ingested_at": pb.INGESTED_AT, "published": pb.PUBLISHED_AT,
    "published_at": pb.PUBLISHED_AT, "received": pb.RECEIVED_AT,
    "received_at": pb.RECEIVED_AT,
}
_BUCKETS = {"minute": pb.MINUTE, "hour": pb.HOUR, "day": pb.DAY,
            "week": pb.WEEK}
_GROUP_BY = {None: pb.GROUP_BY_NONE, "none": pb.GROUP_BY_NONE,
             "entity": pb.GROUP_BY_ENTITY, "source": pb.GROUP_BY_SOURCE,
             "event_type": pb.GROUP_BY_EVENT_TYPE,
             "event": pb.GROUP_BY_EVENT_TYPE}


def _lookup(table, value, what):
    key = value.lower() if isinstance(value, str) else value
    if key not in table:
        names = ", ".join(sorted(str(k) for k in table if k is not None))
        raise ValueError(f"unknown {what} {value!r}; use one of: {names}")
    return table[key]


def event_type(value):
    """EventType from "gold", "tariff", "sanctions", "geopolitical", an enum
    name ("GOLD_PRICE_MOVE") or its number."""
    if isinstance(value, int):
        return value
    return _lookup(_EVENT_BY_NAME, value, "event type")


def direction(value):
    if isinstance(value, int):
        return value
    return _lookup({n: i + 1 for i, n in enumerate(DIRECTIONS)}, value,
                   "direction")


def time_field(value):
    return _lookup(_TIME_FIELDS, value, "time field")


def bucket(value):
    return _lookup(_BUCKETS, value, "bucket")


def group_by(value):
    return _lookup(_GROUP_BY, value, "group_by")


def listify(value):
    """None -> [], a string -> [it], else a list of the items."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def timestamp(value):
    """pandas.Timestamp in UTC from a datetime, date, string, number of
    seconds since the epoch or pandas/numpy time; naive times are UTC."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        t = pd.Timestamp(value, unit="s")
    elif isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        t = pd.Timestamp(value.year, value.month, value.day)
    else:
        t = pd.Timestamp(value)
    if t is pd.NaT:
        raise ValueError(f"not a time: {value!r}")
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def set_time(field, value):
    """Sets a google.protobuf.Timestamp field from any time `timestamp`
    takes."""
    ns = timestamp(value).value
    field.seconds, field.nanos = divmod(ns, 1_000_000_000)


def to_time(ts):
    """A google.protobuf.Timestamp as a UTC pandas.Timestamp (NaT if unset)."""
    if ts.seconds == 0 and ts.nanos == 0:
        return pd.NaT
    return pd.Timestamp(ts.seconds * 1_000_000_000 + ts.nanos, tz="UTC")


def fill_filter(f, event_types, entities, sources, min_relevance,
                include_duplicates):
    f.event_types.extend(event_type(e) for e in listify(event_types))
    f.entities.extend(listify(entities))
    f.sources.extend(listify(sources))
    if min_relevance:
        if not 0 <= min_relevance <= 1:
            raise ValueError(f"min_relevance {min_relevance} is not in [0, 1]")
        f.min_relevance = float(min_relevance)
    f.include_duplicates = bool(include_duplicates)


def add_window(request, field, since, until):
    if since is None and until is None:
        return
    r = request.time_ranges.add()
    r.field = field
    if since is not None:
        set_time(r.since, since)
    if until is not None:
        set_time(r.until, until)


def article(value):
    """An Article from a dict (keys as the message's fields; times as
    `timestamp` takes; content_type "plain_text" or "raw_page") or an
    Article message."""
    if isinstance(value, pb.Article):
        return value
    a = pb.Article()
    for key, v in dict(value).items():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            continue
        if key in ("published_at", "received_at"):
            set_time(getattr(a, key), v)
        elif key == "content_type":
            a.content_type = v if isinstance(v, int) else pb.ContentType.Value(
                "CONTENT_TYPE_" + v.upper())
        elif key in ("article_id", "source", "url", "title", "body"):
            setattr(a, key, str(v))
        else:
            raise ValueError(
                f"unknown article field {key!r}; use article_id, source, url, "
                "title, body, published_at, received_at, content_type")
    return a
