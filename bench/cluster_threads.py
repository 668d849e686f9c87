#!/usr/bin/env python3
# Copyright 2026 The Tidings Authors.
#
# cluster_threads.py: CPU and context switches per article of each process
# (and thread) of tidings_load's cluster scenario (bench/README.md, "Cluster
# CPU per article"), and the log records per article.
#
#   # As the load tool's hook: a numbered snapshot at each paced case's start
#   # and end (snap1.json, snap2.json, ... in $CLUSTER_SNAP_DIR):
#   CLUSTER_SNAP_DIR=/tmp/snaps build/bench/load/tidings_load --scenarios=cluster \
#     --cluster_max_rate=false --cluster_single=false --runs=1 \
#     --tidings=build/tidings --cluster_hook="bench/cluster_threads.py hook"
#   # Then, per case (5 s at 1,000 articles/s = 5,000 articles):
#   bench/cluster_threads.py diff /tmp/snaps/snap1.json /tmp/snaps/snap2.json 5000
#   bench/cluster_threads.py diff ... 5000 --threads     # per thread id
#
# Reads /proc/<pid>/task/*/{stat,status} of the tool's children (labelled
# nats:<config>, a, b, single) and, from a NATS server's monitoring port,
# the TIDINGS stream's last seq and bytes.

import collections
import json
import os
import re
import sys
import urllib.request


def children(ppid):
    out = []
    for p in filter(str.isdigit, os.listdir('/proc')):
        try:
            s = open(f'/proc/{p}/stat').read()
            if int(s[s.rindex(')') + 2:].split()[1]) == ppid:
                out.append(int(p))
        except OSError:
            pass
    return out


def label(pid):
    argv = open(f'/proc/{pid}/cmdline', 'rb').read().split(b'\0')
    line = b' '.join(argv).decode(errors='replace')
    if 'nats-server' in line:
        confs = [a.decode() for a in argv if a.endswith(b'.conf')]
        return 'nats:' + os.path.basename(confs[0]) if confs else 'nats'
    for name in ('single', 'a', 'b'):
        if f'cluster/{name}/' in line:
            return name
    return line[:40]


def threads(pid):
    hz = os.sysconf('SC_CLK_TCK')
    out = {}
    for t in os.listdir(f'/proc/{pid}/task'):
        try:
            s = open(f'/proc/{pid}/task/{t}/stat').read()
            f = s[s.rindex(')') + 2:].split()
            status = open(f'/proc/{pid}/task/{t}/status').read()
            sw = [int(re.search(rf'^{k}_ctxt_switches:\s+(\d+)', status,
                                re.M).group(1))
                  for k in ('voluntary', 'nonvoluntary')]
            out[t] = [s[s.index('(') + 1:s.rindex(')')],
                      (int(f[11]) + int(f[12])) / hz] + sw
        except (OSError, AttributeError):
            pass
    return out


def stream(pid):
    argv = open(f'/proc/{pid}/cmdline', 'rb').read().split(b'\0')
    conf = [a.decode() for a in argv if a.endswith(b'.conf')][0]
    port = re.search(r'http: 127.0.0.1:(\d+)', open(conf).read()).group(1)
    jsz = json.load(urllib.request.urlopen(
        f'http://127.0.0.1:{port}/jsz?streams=true', timeout=2))
    for account in jsz.get('account_details', []):
        for st in account.get('stream_detail', []):
            if st['name'] == 'TIDINGS':
                return [st['state']['last_seq'], st['state']['bytes']]
    return None


def snapshot(tool_pid, path):
    out = {'processes': {'load tool': {str(tool_pid): threads(tool_pid)}}}
    for pid in children(tool_pid):
        try:
            name = label(pid)
            out['processes'].setdefault(name, {})[str(pid)] = threads(pid)
            if name.startswith('nats') and 'records' not in out:
                out['records'] = stream(pid)
        except (OSError, IndexError, AttributeError, ValueError):
            pass
    with open(path, 'w') as f:
        json.dump(out, f)


def diff(before_path, after_path, articles, per_thread):
    a, b = json.load(open(before_path)), json.load(open(after_path))
    n = float(articles)
    if a.get('records') and b.get('records'):
        r = b['records'][0] - a['records'][0]
        nbytes = b['records'][1] - a['records'][1]
        print(f'records {r}: {n / max(r, 1):.2f} articles a record, '
              f'{nbytes / n:.0f} bytes an article')
    for name, procs in sorted(b['processes'].items()):
        rows = collections.defaultdict(lambda: [0.0, 0, 0])
        for pid, tasks in procs.items():
            old = a['processes'].get(name, {}).get(pid, {})
            for tid, (comm, cpu, vol, invol) in tasks.items():
                c0, v0, i0 = old[tid][1:] if tid in old else (0, 0, 0)
                row = rows[f'{comm}/{tid}' if per_thread else comm]
                row[0] += cpu - c0
                row[1] += vol - v0
                row[2] += invol - i0
        cpu, vol, invol = (sum(r[k] for r in rows.values()) for k in range(3))
        if cpu == 0 and vol + invol < n * 0.05:
            continue
        print(f'{name}: CPU {cpu * 1e6 / n:.0f} us an article, switches '
              f'{(vol + invol) / n:.2f} (voluntary {vol / n:.2f})')
        for key, (c, v, i) in sorted(rows.items(), key=lambda kv: -sum(
                kv[1][1:])):
            if v + i >= n * 0.05 or c * 1e6 / n >= 5:
                print(f'  {key:24s} CPU {c * 1e6 / n:5.0f} us  switches '
                      f'{(v + i) / n:5.2f}')


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'hook':  # hook starts|ends PID
        out_dir = os.environ.get('CLUSTER_SNAP_DIR', '.')
        os.makedirs(out_dir, exist_ok=True)
        count = os.path.join(out_dir, 'count')
        k = int(open(count).read()) + 1 if os.path.exists(count) else 1
        open(count, 'w').write(str(k))
        snapshot(int(sys.argv[3]), os.path.join(out_dir, f'snap{k}.json'))
    elif len(sys.argv) in (5, 6) and sys.argv[1] == 'diff':
        diff(sys.argv[2], sys.argv[3], sys.argv[4], len(sys.argv) == 6)
    else:
        sys.exit(__doc__ if __doc__ else 'see the comment at the top')


if __name__ == '__main__':
    main()
