"""Client: the Tidings gRPC API as pandas DataFrames and Python generators."""

import random
import time

import grpc
import pandas as pd

from tidings import convert, errors, frames
from tidings.convert import pb
from tidings.v1 import tidings_pb2_grpc

# Codes after which subscribe() reconnects: the server went away, is
# restarting, or is full for now. A server that stops ends its streams with
# UNAVAILABLE or, when its shutdown grace runs out, CANCELLED (the client
# never cancels a stream it goes on reading). Anything else is raised.
_RETRYABLE = frozenset({
    grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.ABORTED,
})
_MAX_MESSAGE = 64 * 1024 * 1024
# Codes after which ingest() sends a batch again (Ingest is idempotent).
_RETRY_INGEST = frozenset({
    grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.DEADLINE_EXCEEDED,
})


def _read(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"{what}: cannot read {path}: {e.strerror}") \
            from None


def _pushback_seconds(e):
    """The server's grpc-retry-pushback-ms (gRFC A6) in seconds, or None."""
    trailers = e.trailing_metadata() if hasattr(e, "trailing_metadata") \
        else None
    for key, value in trailers or ():
        if key == "grpc-retry-pushback-ms":
            try:
                return max(0, int(value)) / 1000.0
            except ValueError:
                return None
    return None


class Client:
    """A connection to a Tidings server.

    ``addr``: "host:port". ``token``: a bearer token (sent as
    ``authorization: Bearer TOKEN``), default none. ``tls``: None for
    plaintext, True for TLS with the system's root certificates, or the path
    of a CA certificate file (PEM) to trust. ``tls_cert`` and ``tls_key``:
    the client's certificate and private key (PEM files) for a server that
    requires mutual TLS (``tidings serve --tls-client-ca``); they imply TLS.
    ``timeout``: seconds for unary calls (Ingest, Series, GetSignal);
    streams have none.
    """

    def __init__(self, addr="127.0.0.1:50051", token=None, tls=None,
                 timeout=60.0, tls_cert=None, tls_key=None):
        options = [("grpc.max_receive_message_length", _MAX_MESSAGE),
                   ("grpc.max_send_message_length", _MAX_MESSAGE),
                   # A connection of its own: gRPC shares connections
                   # between channels to one address by default, so a new
                   # Client would inherit another one's reconnect backoff
                   # after a server restart and fail at once.
                   ("grpc.use_local_subchannel_pool", 1),
                   # Reconnect to a restarted server within 10 s (gRPC's
                   # default backoff grows to 120 s).
                   ("grpc.max_reconnect_backoff_ms", 10000)]
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("mutual TLS needs both tls_cert and tls_key "
                             "(PEM files), or neither")
        if tls_cert is not None and (tls is None or tls is False):
            tls = True
        if tls is None or tls is False:
            self._channel = grpc.insecure_channel(addr, options=options)
        else:
            roots = cert = key = None
            if tls is not True:
                roots = _read(tls, "tls (CA certificate)")
            if tls_cert is not None:
                cert = _read(tls_cert, "tls_cert")
                key = _read(tls_key, "tls_key")
            creds = grpc.ssl_channel_credentials(
                root_certificates=roots, private_key=key,
                certificate_chain=cert)
            self._channel = grpc.secure_channel(addr, creds, options=options)
        self._stub = tidings_pb2_grpc.TidingsStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token \
            else ()
        self._timeout = timeout
        self.addr = addr

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _unary(self, method, request):
        try:
            return method(request, metadata=self._metadata,
                          timeout=self._timeout)
        except grpc.RpcError as e:
            raise errors.from_rpc_error(e) from None

    def _retried(self, method, request, retries, backoff, max_backoff):
        """_unary(), repeated after the passing failures of an idempotent
        call (see ingest())."""
        for attempt in range(retries + 1):
            try:
                return method(request, metadata=self._metadata,
                              timeout=self._timeout)
            except grpc.RpcError as e:
                code = e.code() if hasattr(e, "code") else None
                if attempt == retries or code not in _RETRY_INGEST:
                    raise errors.from_rpc_error(e) from None
                delay = _pushback_seconds(e)
                if delay is None:
                    delay = min(max_backoff, backoff * 2 ** attempt) * \
                        random.uniform(0.5, 1.0)
                time.sleep(delay)
        raise AssertionError("unreachable")

    # -- Query ---------------------------------------------------------------

    def query_request(self, *, since=None, until=None, time_field=None,
                      published_since=None, published_until=None,
                      received_since=None, received_until=None,
                      ingested_since=None, ingested_until=None, as_of=None,
                      event_types=None, entities=None, sources=None,
                      min_relevance=0, include_duplicates=False,
                      after_seq=0, limit=0, expect_store_id=None,
                      body=False, version=None):
        """The QueryRequest that query() sends (arguments as query())."""
        r = pb.QueryRequest()
        convert.set_version(r.version, version)
        convert.fill_filter(r.filter, event_types, entities, sources,
                            min_relevance, include_duplicates)
        r.time_field = convert.time_field(time_field)
        if since is not None:
            convert.set_time(r.since, since)
        if until is not None:
            convert.set_time(r.until, until)
        convert.add_window(r, pb.PUBLISHED_AT, published_since,
                           published_until)
        convert.add_window(r, pb.RECEIVED_AT, received_since, received_until)
        convert.add_window(r, pb.INGESTED_AT, ingested_since, ingested_until)
        if as_of is not None:
            convert.set_time(r.as_of, as_of)
        r.after_seq = int(after_seq)
        r.limit = int(limit)
        if expect_store_id:
            r.expect_store_id = expect_store_id
        r.view = pb.SIGNAL_VIEW_FULL if body else pb.SIGNAL_VIEW_COMPACT
        return r

    def query_batches(self, **kwargs):
        """The QueryBatches stream: a generator of SignalBatch messages (up
        to 1,000 signals each, in seq order), for backfills too large to
        hold at once (arguments as query(), without events)."""
        request = self.query_request(**kwargs)
        try:
            yield from self._stub.QueryBatches(request,
                                               metadata=self._metadata)
        except grpc.RpcError as e:
            raise errors.from_rpc_error(e) from None

    def query_signals(self, **kwargs):
        """The signals query() would tabulate, as a list of Signal messages
        (arguments as query(), without events)."""
        signals = []
        for batch in self.query_batches(**kwargs):
            signals.extend(batch.signals)
        return signals

    def query(self, *, events=False, **kwargs):
        """Stored signals in seq order as a DataFrame, one row per signal.

        Filters (as ``tidings query``; all optional, ANDed):
          since, until: a window [since, until) on ``time_field``
            ("ingested" (default), "published" or "received");
          published_since/_until, received_since/_until,
            ingested_since/_until: windows on each time, all at once;
          as_of: only what was stored at or before this time;
          event_types: any of "gold", "tariff", "sanctions",
            "geopolitical"; entities: any of these entity ids
            ("country:RU"); sources: any of these sources;
          min_relevance: events below it do not count (0 = server default);
          include_duplicates: also near-duplicates (default False);
          after_seq, limit: paging; expect_store_id: fail with
            FailedPrecondition when the server's store is another;
          version: "first" (default: the signals as first delivered),
            "latest" (each article's newest rescore) or a scorer_version
            name (see versions() and rescore()).
        Times: datetime, date, "2024-03-01", pandas.Timestamp or epoch
        seconds; naive times are UTC.

        body=True also fetches the cleaned text (column ``body``; the full
        view, several times the bytes). events=True returns the events table
        instead: one row per signal x event (as ``tidings.events(df)``).
        """
        signals = self.query_signals(**kwargs)
        if events:
            return frames.events(signals)
        return frames.signals_frame(signals, body=kwargs.get("body", False))

    def get(self, seq):
        """One signal (a Signal message, full view); NotFound when absent."""
        return self._unary(self._stub.GetSignal, pb.GetSignalRequest(seq=seq))

    # -- Series --------------------------------------------------------------

    def series(self, since, until=None, *, bucket="day", event_types=None,
               directions=None, min_relevance=0, entities=None, sources=None,
               time_field=None, group_by=None, include_duplicates=False,
               index_base=None, max_points=0, version=None):
        """Index series (the Series RPC) as a DataFrame: one row per bucket
        (and group): start (UTC), group, article_count, event_count,
        event_share, mean_sentiment, event_mean_sentiment, index (NaN
        unless index_base) and the five sentiment histogram bins.

        bucket: "minute", "hour", "day" or "week"; time_field as query();
        group_by: None, "entity", "source" or "event_type"; event_types and
        directions ("up", "escalation", ...) say which articles are event
        articles; near-duplicates count once unless include_duplicates;
        index_base: (since, until) of the base period for the normalised
        index (mean 100); version as query(). attrs: head_seq, first_seq,
        store_id, since, until.
        """
        r = pb.SeriesRequest()
        convert.set_version(r.version, version)
        r.entities.extend(convert.listify(entities))
        r.sources.extend(convert.listify(sources))
        r.event_types.extend(convert.event_type(e)
                             for e in convert.listify(event_types))
        r.directions.extend(convert.direction(d)
                            for d in convert.listify(directions))
        if not 0 <= min_relevance <= 1:
            raise ValueError(f"min_relevance {min_relevance} is not in [0, 1]")
        r.min_relevance = float(min_relevance)
        r.time_field = convert.time_field(time_field)
        convert.set_time(r.since, since)
        if until is not None:
            convert.set_time(r.until, until)
        r.bucket = convert.bucket(bucket)
        r.group_by = convert.group_by(group_by)
        r.dedup_near_duplicates = not include_duplicates
        if index_base is not None:
            base_since, base_until = index_base
            convert.set_time(r.index_base.since, base_since)
            convert.set_time(r.index_base.until, base_until)
        r.max_points = int(max_points)
        return frames.series_frame(self._unary(self._stub.Series, r))

    # -- Versions and rescoring ---------------------------------------------

    def versions(self):
        """Every scorer_version in the store (the Versions RPC) as a
        DataFrame: scorer_version, signal_count, rescored_count and the
        first/last published_at and ingested_at (UTC). attrs:
        server_scorer_version, head_seq, store_id."""
        response = self._unary(self._stub.Versions, pb.VersionsRequest())
        return frames.versions_frame(response)

    def rescore(self, since=None, until=None, *, time_field=None,
                lexicons=None, progress=None):
        """Rescores the stored articles (admin; the Rescore RPC) and returns
        the last RescoreProgress (done=True). since/until bound the
        originals by time_field ("ingested", the default, or "published");
        lexicons: a lexicon directory on the server's machine (default: the
        server's scorer). progress(p) is called with each RescoreProgress
        (about once a second). Rerunning after an interruption continues
        where it stopped; nothing is stored twice for one version."""
        r = pb.RescoreRequest()
        if since is not None:
            convert.set_time(r.since, since)
        if until is not None:
            convert.set_time(r.until, until)
        r.time_field = convert.time_field(time_field)
        if lexicons:
            r.lexicons = lexicons
        last = None
        try:
            for p in self._stub.Rescore(r, metadata=self._metadata):
                last = p
                if progress is not None:
                    progress(p)
        except grpc.RpcError as e:
            raise errors.from_rpc_error(e) from None
        return last

    # -- Subscribe -----------------------------------------------------------

    def subscribe(self, from_seq=None, *, from_time=None, event_types=None,
                  entities=None, sources=None, min_relevance=0,
                  include_duplicates=False, body=False, expect_store_id=None,
                  heartbeats=False, backoff=0.2, max_backoff=10.0,
                  max_retries=None, version=None):
        """A generator of Signal messages: stored ones after ``from_seq``
        (0 = the whole log) or from ``from_time``, or only new ones (neither),
        then live ones as they are stored, for ever.

        When the connection breaks (the server restarts, the network drops)
        it reconnects with exponential backoff (``backoff`` seconds doubling
        to ``max_backoff``, with jitter; ``max_retries`` None = for ever) and
        resumes after the last seq it yielded, sending the store id it saw
        in the stream's heartbeats (or ``expect_store_id``) so that a store
        that was wiped or replaced raises FailedPrecondition instead of
        silently replaying other seqs. Other errors are raised as
        TidingsError. ``heartbeats=True`` also yields the Heartbeat
        messages (head seq, server time, store id). To resume in a later
        run, keep the last ``signal.seq`` and the heartbeats' store id and
        pass them as ``from_seq`` and ``expect_store_id``.
        """
        state = {"seq": from_seq, "store": expect_store_id or "",
                 "from_now": from_seq is None and from_time is None}
        attempt = 0
        while True:
            request = pb.SubscribeRequest(view=pb.SIGNAL_VIEW_FULL if body
                                          else pb.SIGNAL_VIEW_COMPACT)
            convert.fill_filter(request.filter, event_types, entities, sources,
                                min_relevance, include_duplicates)
            convert.set_version(request.version, version)
            if state["seq"] is not None:
                request.from_seq = int(state["seq"])
            elif from_time is not None:
                convert.set_time(request.from_time, from_time)
            else:
                request.from_now = True
            request.expect_store_id = state["store"]
            call = self._stub.Subscribe(request, metadata=self._metadata)
            try:
                for event in call:
                    if event.HasField("signal"):
                        state["seq"] = event.signal.seq
                        attempt = 0
                        yield event.signal
                    else:
                        hb = event.heartbeat
                        if not state["store"]:
                            state["store"] = hb.store_id
                        if state["seq"] is None and state["from_now"]:
                            # The first heartbeat of a stream started now
                            # carries the head it started at.
                            state["seq"] = hb.head_seq
                        attempt = 0
                        if heartbeats:
                            yield hb
            except grpc.RpcError as e:
                code = e.code()
                if code not in _RETRYABLE or (max_retries is not None and
                                              attempt >= max_retries):
                    raise errors.from_rpc_error(e) from None
                delay = min(max_backoff, backoff * 2 ** attempt)
                time.sleep(delay * random.uniform(0.5, 1.0))
                attempt += 1
            finally:
                call.cancel()

    # -- Ingest --------------------------------------------------------------

    def ingest(self, articles, batch_size=500, raise_on_error=False,
               retries=5, backoff=0.2, max_backoff=10.0):
        """Sends articles in Ingest batches of ``batch_size`` (at most the
        server's --max-batch, 1,000 by default) and returns one row per
        article: index (position in ``articles``), article_id, seqs (list),
        duplicate, error ("" or the gRPC code name) and message.

        ``articles``: dicts (article_id, source, url, title, body,
        published_at, received_at, content_type), Article messages, or a
        DataFrame with those columns. Ingest is idempotent, so a batch whose
        call failed for a passing reason (UNAVAILABLE: the server restarts;
        RESOURCE_EXHAUSTED: it is full for now; DEADLINE_EXCEEDED) is sent
        again, up to ``retries`` times per batch, after the server's
        ``grpc-retry-pushback-ms`` when it sent one, else after ``backoff``
        seconds doubling to ``max_backoff`` (with jitter); articles stored
        by an earlier attempt come back as duplicates with their seqs. A
        call that still fails, or fails otherwise, raises TidingsError;
        per-article errors are reported in the rows, or raised (the first
        one) with ``raise_on_error``. attrs: head_seq, store_id.
        """
        if retries < 0:
            raise ValueError("retries must be at least 0")
        if isinstance(articles, pd.DataFrame):
            articles = articles.to_dict("records")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        rows = {"index": [], "article_id": [], "seqs": [], "duplicate": [],
                "error": [], "message": []}
        head, store = 0, ""
        batch = []

        def send():
            nonlocal head, store
            response = self._retried(self._stub.Ingest,
                                     pb.IngestRequest(articles=batch),
                                     retries, backoff, max_backoff)
            base = len(rows["index"])
            for r in response.results:
                code = errors.status_code(r.error_code)
                if r.error_code and raise_on_error:
                    raise errors.error(code, f"article {base + r.index} "
                                       f"({r.article_id!r}): {r.error_message}")
                rows["index"].append(base + r.index)
                rows["article_id"].append(r.article_id)
                rows["seqs"].append(list(r.seqs))
                rows["duplicate"].append(r.duplicate)
                rows["error"].append(code.name if r.error_code else "")
                rows["message"].append(r.error_message)
            head, store = response.head_seq, response.store_id
            batch.clear()

        for a in articles:
            batch.append(convert.article(a))
            if len(batch) == batch_size:
                send()
        if batch:
            send()
        df = pd.DataFrame(rows)
        df["index"] = df["index"].astype("int64")
        df["duplicate"] = df["duplicate"].astype(bool)
        df.attrs.update(head_seq=head, store_id=store)
        return df


def to_frame(signals, body=False):
    """Signal messages (e.g. from subscribe()) as query()'s DataFrame."""
    return frames.signals_frame(list(signals), body=body)
