#!/usr/bin/env python3
"""Python query() into a DataFrame, beside the raw QueryBatches stream.

Starts `tidings serve` (TIDINGS_BINARY, default build/tidings) on a free
port in a temporary directory, or uses --server; fills it with --signals
synthetic articles (plain text, one signal each, published over 2024) via
Client.ingest unless the store already holds that many; then times, each
--repeats times, alternating:

  query      Client.query() -> pandas.DataFrame (compact view), all signals
             (include_duplicates: most synthetic articles are near-duplicates
             of others, which a default query leaves out)
  raw        the same QueryBatches stream, messages parsed, no DataFrame
  frame      the DataFrame built from signals already received (client only)

and prints the median signals/s of each and query/raw. Run from the
repository root after a Release build:

  PYTHONPATH=build/clients/python /usr/bin/python3 \
      clients/python/bench/query_bench.py --signals 200000
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time

import grpc
import pandas as pd
from google.protobuf.internal import api_implementation

import tidings
import tidings.testing
from tidings import frames

EVENTS = [
    "Gold rises {p}% as investors seek safety",
    "Gold falls {p}% as the dollar strengthens",
    "Trump threatens new tariffs on {c} imports",
    "{c} imposes tariffs on steel from {d}",
    "EU imposes new sanctions on {c}",
    "{c} launches missile strikes on {d} as tensions escalate",
    "{co} shares jump after record quarterly profit",
    "{co} posts a quarterly loss and cuts its outlook",
    "Markets steady ahead of central bank decision",
]
COUNTRIES = ["China", "Russia", "Iran", "Canada", "Mexico", "Japan", "India",
             "Brazil", "Ukraine", "Germany"]
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Holdings",
             "Stark Industries", "Wayne Enterprises"]
SOURCES = ["wire-a", "wire-b", "daily", "markets", "blog", "terminal"]


def articles(n, seed=7):
    rng = random.Random(seed)
    start = 1704067200  # 2024-01-01T00:00:00Z
    for i in range(n):
        title = rng.choice(EVENTS).format(
            p=round(rng.uniform(0.1, 3.0), 1), c=rng.choice(COUNTRIES),
            d=rng.choice(COUNTRIES), co=rng.choice(COMPANIES))
        body = (f"{title}, analysts said on Tuesday. The move followed "
                f"weeks of debate; story {i} of the synthetic bench corpus.")
        yield {"article_id": f"bench-{i}", "source": rng.choice(SOURCES),
               "title": title, "body": body, "content_type": "plain_text",
               "published_at": start + rng.randrange(366 * 86400)}


def fill(client, n):
    have = client.series("2000-01-01", "2000-01-02").attrs["head_seq"]
    if have >= n:
        print(f"store holds {have} signals; not filling", flush=True)
        return
    t = time.perf_counter()
    source = articles(n)
    done = 0
    while done < n:
        res = client.ingest(itertools.islice(source, 20000), batch_size=1000)
        done += len(res)
        failed = (res["error"] != "").sum()
        if failed:
            sys.exit(f"ingest: {failed} articles failed: "
                     f"{res[res.error != ''].message.iloc[0]}")
        print(f"\rfilled {done}/{n} articles "
              f"({done / (time.perf_counter() - t):.0f}/s)", end="",
              flush=True)
    print(flush=True)


def timed(fn):
    t = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--signals", type=int, default=200000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--server", help="use this server instead of starting one")
    ap.add_argument("--data", help="data dir for the started server (kept)")
    args = ap.parse_args()
    if not os.environ.get("TIDINGS_BINARY") and os.path.exists("build/tidings"):
        os.environ["TIDINGS_BINARY"] = os.path.abspath("build/tidings")
    server = None
    if args.server:
        addr = args.server
    else:
        server = tidings.testing.Server(data=args.data,
                                        keep_data=args.data is not None)
        addr = server.addr
    try:
        with tidings.Client(addr) as client:
            fill(client, args.signals)
            run(client, args.repeats)
    finally:
        if server:
            server.close()


def run(client, repeats):
    def raw():
        n = 0
        for batch in client.query_batches(include_duplicates=True):
            n += len(batch.signals)
        return n

    def query():
        return len(client.query(include_duplicates=True))

    # Check the answer before timing: every stored signal, in seq order,
    # the same through both paths.
    signals = client.query_signals(include_duplicates=True)
    df = client.query(include_duplicates=True)
    n = len(signals)
    if n == 0 or list(df["seq"]) != list(range(1, n + 1)) or \
            [s.seq for s in signals] != list(df["seq"]):
        sys.exit(f"query() and the stream disagree or skip seqs ({len(df)} "
                 f"rows, {n} signals)")
    del df

    def frame():
        return len(frames.signals_frame(signals))

    rates = {"query": [], "raw": [], "frame": []}
    counts = {}
    for _ in range(repeats):
        for name, fn in (("query", query), ("raw", raw), ("frame", frame)):
            n, seconds = timed(fn)
            counts[name] = n
            rates[name].append(n / seconds)
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, pandas "
          f"{pd.__version__}, grpcio {grpc.__version__}, protobuf "
          f"{api_implementation.Type()}; "
          f"load average {load:.2f}; median of {repeats}")
    med = {k: statistics.median(v) for k, v in rates.items()}
    for name, what in (("query", "Client.query() -> DataFrame"),
                       ("raw", "QueryBatches stream, parsed, no DataFrame"),
                       ("frame", "DataFrame from received signals only")):
        print(f"{what:45s} {counts[name]:8d} signals {med[name]:10.0f}/s")
    print(f"query / raw = {med['query'] / med['raw']:.2f}; target "
          f"query >= 50000/s: {'met' if med['query'] >= 50000 else 'NOT met'}")


if __name__ == "__main__":
    main()
