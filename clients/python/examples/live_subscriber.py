#!/usr/bin/env python3
"""Print signals as they are stored; resume where the last run stopped.

    live_subscriber.py --server 127.0.0.1:50051 --events gold --cursor gold.cursor

The cursor file keeps the last seq printed and the store id, so a restart
(of this script or of the server) neither misses nor repeats a signal, and
a store that was wiped is reported instead of replayed. Without a cursor
file it starts with new signals. Ctrl-C stops it.
"""

import argparse
import json
import os

import tidings


def load(path):
    if path and os.path.exists(path):
        with open(path) as f:
            c = json.load(f)
        return c["seq"], c["store_id"]
    return None, None


def save(path, seq, store_id):
    if path:
        with open(path + ".tmp", "w") as f:
            json.dump({"seq": seq, "store_id": store_id}, f)
        os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", default=os.environ.get("TIDINGS_SERVER",
                                                       "127.0.0.1:50051"))
    ap.add_argument("--token", default=os.environ.get("TIDINGS_TOKEN"))
    ap.add_argument("--events", help="gold,tariff,sanctions,geopolitical")
    ap.add_argument("--cursor", help="file keeping the last seq and store id")
    ap.add_argument("--from-seq", type=int, help="start after this seq")
    ap.add_argument("--max", type=int, help="stop after this many signals")
    args = ap.parse_args()

    seq, store_id = load(args.cursor)
    if args.from_seq is not None:
        seq = args.from_seq
    client = tidings.Client(args.server, token=args.token)
    n = 0
    try:
        for item in client.subscribe(
                from_seq=seq, expect_store_id=store_id, heartbeats=True,
                event_types=args.events.split(",") if args.events else None):
            if item.DESCRIPTOR.name == "Heartbeat":
                store_id = item.store_id
                continue
            events = " ".join(
                f"{tidings.convert.EVENT_NAMES.get(e.type, '?')}="
                f"{tidings.convert.DIRECTIONS[e.direction - 1]}"
                f"@{e.relevance:.2f}" for e in item.events if e.direction)
            print(f"#{item.seq} {item.source} {item.title!r} {events}",
                  flush=True)
            save(args.cursor, item.seq, store_id)
            n += 1
            if args.max and n >= args.max:
                break
    except KeyboardInterrupt:
        pass
    except tidings.FailedPrecondition as e:
        raise SystemExit(f"the store changed: {e.message}\n"
                         f"delete {args.cursor} to start over") from None


if __name__ == "__main__":
    main()
