#!/usr/bin/env python3
# Copyright 2026 The Tidings Authors.
#
# cluster_trace.py: when the slow articles of tidings_load's paced cluster
# cases came (bench/README.md, "Cluster: a push consumer").
#
#   build/bench/load/tidings_load --scenarios=cluster --cluster_max_rate=false \
#     --cluster_single=false --runs=1 --duration=10s --tidings=build/tidings \
#     --cluster_trace=/tmp/trace.tsv
#   bench/cluster_trace.py /tmp/trace.tsv [SLOW_MS]
#
# Per case: ingest->deliver p50 / p99 / max for each second of the case,
# then the runs of articles slower than SLOW_MS (default 20) sent less than
# 50 ms apart: a run that spans seconds is a stall of one process, many
# short ones spread over the case are a run queue.

import collections
import sys


def quantile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: cluster_trace.py TRACE [SLOW_MS]')
    slow_ms = float(sys.argv[2]) if len(sys.argv) == 3 else 20.0
    cases = collections.OrderedDict()
    with open(sys.argv[1]) as f:
        for line in f:
            case, _, sent, ack, deliver, _ = line.rstrip('\n').split('\t')
            cases.setdefault(case, []).append(
                (float(sent), float(ack), float(deliver)))
    for case, rows in cases.items():
        rows.sort()
        delivered = [r for r in rows if r[2] >= 0]
        print(f'{case}: {len(rows)} articles, {len(rows) - len(delivered)} '
              'not delivered')
        by_second = collections.defaultdict(list)
        for sent, _, deliver in delivered:
            by_second[int(sent // 1000)].append(deliver)
        for second in sorted(by_second):
            v = sorted(by_second[second])
            print(f'  second {second:3d}: {len(v):5d} articles, p50 '
                  f'{quantile(v, 0.5):6.1f} p99 {quantile(v, 0.99):6.1f} '
                  f'max {v[-1]:6.1f} ms')
        runs = []  # [first sent, last sent, count, max deliver, max ack]
        for sent, ack, deliver in delivered:
            if deliver <= slow_ms:
                continue
            if runs and sent - runs[-1][1] < 50:
                run = runs[-1]
                run[1] = sent
                run[2] += 1
                run[3] = max(run[3], deliver)
                run[4] = max(run[4], ack)
            else:
                runs.append([sent, sent, 1, deliver, ack])
        print(f'  {sum(r[2] for r in runs)} slower than {slow_ms:g} ms, in '
              f'{len(runs)} runs; the 10 longest:')
        for run in sorted(runs, key=lambda r: r[1] - r[0], reverse=True)[:10]:
            print(f'    sent {run[0]:8.1f}..{run[1]:8.1f} ms: {run[2]:5d} '
                  f'articles, deliver up to {run[3]:6.1f} ms, ack up to '
                  f'{run[4]:6.1f} ms')


if __name__ == '__main__':
    main()
