#!/usr/bin/env python3
"""Backfill a year of signals to CSV, one month per query (bounded memory).

    backfill_csv.py --server 127.0.0.1:50051 --year 2020 --out signals-2020.csv
    backfill_csv.py --year 2020 --events tariff,geopolitical --out geo.csv

Rows are signals published in that year (UTC), as Client.query() returns
them; --by ingested selects by when Tidings stored them instead.
"""

import argparse
import os

import pandas as pd

import tidings


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", default=os.environ.get("TIDINGS_SERVER",
                                                       "127.0.0.1:50051"))
    ap.add_argument("--token", default=os.environ.get("TIDINGS_TOKEN"))
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--by", choices=["published", "ingested", "received"],
                    default="published")
    ap.add_argument("--events", help="only these: gold,tariff,sanctions,"
                    "geopolitical")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    client = tidings.Client(args.server, token=args.token)
    events = args.events.split(",") if args.events else None
    months = pd.date_range(f"{args.year}-01-01", periods=13, freq="MS",
                           tz="UTC")
    total = 0
    for since, until in zip(months[:-1], months[1:]):
        df = client.query(since=since, until=until, time_field=args.by,
                          event_types=events)
        df.to_csv(args.out, mode="w" if total == 0 else "a",
                  header=total == 0, index=False)
        total += len(df)
        print(f"{since:%Y-%m}: {len(df)} signals", flush=True)
    print(f"{total} signals written to {args.out}")


if __name__ == "__main__":
    main()
