#!/usr/bin/env bash
# score_cli_bench.sh [BUILD_DIR] [CORPUS] [RUNS] [OLD_TIDINGS]
#
# `tidings score --jsonl` over the corpus beside BM_ScoreCorpus/all (1
# thread) in the same run (issue 12 item 4). Alternates RUNS timed CLI runs
# (output to /dev/null) with RUNS repetitions of the benchmark and prints the
# medians and their ratio, in title+body bytes (what the bench counts) per
# second of CPU time (user+sys: other processes drop out) and per wall second.
# With OLD_TIDINGS (e.g. a copy of main's build/tidings) each round also
# times that binary, just before the new one: two more rows, its ratio, and
# the median of the rounds' new/old CPU-time ratios (paired, so that a noisy
# minute hits both).
set -euo pipefail
build=${1:-build}
corpus=${2:-/work/shared/data/corpus/news_corpus.jsonl}
runs=${3:-5}
old=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < runs; i++)); do
  if [[ -n $old ]]; then
    /usr/bin/time -f "%e %U %S" -a -o "$tmp/old.txt" \
      "$old" score --jsonl "$corpus" >/dev/null
  fi
  /usr/bin/time -f "%e %U %S" -a -o "$tmp/cli.txt" \
    "$build/tidings" score --jsonl "$corpus" >/dev/null
  TIDINGS_CORPUS=$corpus "$build/bench/scoring_bench" \
    --benchmark_filter='^BM_ScoreCorpus/all/real_time/threads:1$' \
    --benchmark_min_time=2 --benchmark_format=json \
    >"$tmp/bench$i.json" 2>/dev/null
done
python3 - "$tmp" "$runs" "$corpus" <<'PY'
import json, statistics, sys, os
tmp, runs, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cli = [tuple(map(float, l.split())) for l in open(f"{tmp}/cli.txt") if l.strip()]
bench = [json.load(open(f"{tmp}/bench{i}.json")) for i in range(runs)]
ctx = bench[0]["context"]
mib = float(ctx["workload_all"].split(",")[1].split()[0])  # title+body MiB
file_mb = os.path.getsize(corpus) / 2**20
b = [r for j in bench for r in j["benchmarks"]]
bench_cpu = statistics.median(r["cpu_MB_per_s"] for r in b)
bench_wall = statistics.median(r["bytes_per_second"] / 2**20 for r in b)
cli_cpu = statistics.median(mib / (u + s) for _, u, s in cli)
cli_wall = statistics.median(mib / e for e, _, _ in cli)
print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
print(f"corpus: {corpus} ({file_mb:.2f} MiB file, {mib:.2f} MiB title+body)")
print(f"| what | CPU MiB/s | wall MiB/s |")
print(f"|---|---|---|")
print(f"| BM_ScoreCorpus/all, 1 thread (median of {runs}) | {bench_cpu:.1f} | {bench_wall:.1f} |")
print(f"| tidings score --jsonl (median of {runs}; wall {statistics.median(e for e,_,_ in cli):.2f} s) | {cli_cpu:.1f} | {cli_wall:.1f} |")
print(f"| ratio CLI / bench | {cli_cpu / bench_cpu:.2f} | {cli_wall / bench_wall:.2f} |")
if os.path.exists(f"{tmp}/old.txt"):
    old = [tuple(map(float, l.split())) for l in open(f"{tmp}/old.txt") if l.strip()]
    old_cpu = statistics.median(mib / (u + s) for _, u, s in old)
    old_wall = statistics.median(mib / e for e, _, _ in old)
    paired = statistics.median((ou + os_) / (u + s) for (_, ou, os_), (_, u, s) in zip(old, cli))
    print(f"| old tidings score --jsonl (median of {runs}; wall {statistics.median(e for e,_,_ in old):.2f} s) | {old_cpu:.1f} | {old_wall:.1f} |")
    print(f"| ratio old CLI / bench | {old_cpu / bench_cpu:.2f} | {old_wall / bench_wall:.2f} |")
    print(f"| new ÷ old CLI speed, paired rounds (median of {runs}) | {paired:.2f} | |")
    print("user+sys seconds per round, old / new: " + ", ".join(f"{ou+os_:.2f}/{u+s:.2f}" for (_, ou, os_), (_, u, s) in zip(old, cli)))
PY
