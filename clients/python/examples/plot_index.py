#!/usr/bin/env python3
"""The daily tariff and geopolitical indexes, plotted to a PNG.

    plot_index.py --server 127.0.0.1:50051 --since 2019-01-01 --until 2020-01-01 \
        --out index.png

Each index is the daily share of articles (by published_at) with a tariff
or a geopolitical-tension event, scaled to mean 100 over the window (or
--base-since/--base-until), as the trade-policy-uncertainty and
geopolitical-risk indexes are; near-duplicates count once. A 7-day rolling
mean is drawn over the daily values.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import tidings  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", default=os.environ.get("TIDINGS_SERVER",
                                                       "127.0.0.1:50051"))
    ap.add_argument("--token", default=os.environ.get("TIDINGS_TOKEN"))
    ap.add_argument("--since", required=True)
    ap.add_argument("--until", required=True)
    ap.add_argument("--base-since")
    ap.add_argument("--base-until")
    ap.add_argument("--out", default="index.png")
    args = ap.parse_args()

    client = tidings.Client(args.server, token=args.token)
    base = (args.base_since or args.since, args.base_until or args.until)
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    for event, color in (("tariff", "tab:orange"),
                         ("geopolitical", "tab:blue")):
        s = client.series(args.since, args.until, bucket="day",
                          time_field="published", event_types=event,
                          index_base=base)
        daily = s.set_index("start")["index"]
        ax.plot(daily.index, daily, color=color, alpha=0.3, linewidth=0.8)
        ax.plot(daily.index, daily.rolling(7, min_periods=1).mean(),
                color=color, linewidth=2, label=f"{event} (7-day mean)")
        print(f"{event}: {int(s['event_count'].sum())} event articles of "
              f"{int(s['article_count'].sum())}")
    ax.axhline(100, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylabel(f"index (mean over {base[0]} to {base[1]} = 100)")
    ax.set_xlabel("published (UTC day)")
    ax.set_title(f"Tidings daily tariff and geopolitical index, "
                 f"{args.since} to {args.until}\n"
                 "share of articles with the event, near-duplicates once")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
