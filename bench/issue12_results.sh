#!/usr/bin/env bash
# issue12_results.sh [BUILD_DIR] [CORPUS] [REPETITIONS]
#
# Every speed figure of issue 12's target table from one run, as a markdown
# table with the targets beside it: one `scoring_bench` run (REPETITIONS
# repetitions, medians) of the corpus workloads at 1 and 2 threads, with and
# without a reused Scratch, the tight ceiling, the 5 KB latency and the
# adversarial family; then `score_cli_bench.sh` (the CLI beside
# BM_ScoreCorpus/all, alternating, medians). Output identity is checked
# separately (bench/README.md, "Results"): this script measures only.
#
# The ratios divide figures of the same run; the load average is printed
# because a second busy process on this 2-core machine halves the 2-thread
# figure and moves everything else by 10-30%.
set -euo pipefail
build=${1:-build}
corpus=${2:-/work/shared/data/corpus/news_corpus.jsonl}
reps=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[[ -x $build/bench/scoring_bench ]] || {
  echo "issue12_results.sh: no $build/bench/scoring_bench (build Release first)" >&2
  exit 2
}
[[ -r $corpus ]] || {
  echo "issue12_results.sh: cannot read corpus $corpus" >&2
  exit 2
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
TIDINGS_CORPUS=$corpus "$build/bench/scoring_bench" \
  --benchmark_filter='^BM_(ScoreCorpus|ScoreCorpusScratch|TightCeiling)/[a-z]+/real_time/threads:[12]$|^BM_ScoreLatency5KB|^BM_Adversarial' \
  --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$tmp/bench.json"
echo "load average after the bench: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
bash "$here/score_cli_bench.sh" "$build" "$corpus" "$reps" >"$tmp/cli.txt"

python3 - "$tmp/bench.json" "$tmp/cli.txt" "$corpus" "$reps" <<'PY'
import json, re, sys
bench_path, cli_path, corpus, reps = sys.argv[1:5]
doc = json.load(open(bench_path))
# Medians; a run of one repetition has no aggregates, only its iterations.
med = {r["run_name"]: r for r in doc["benchmarks"]
       if r.get("aggregate_name") == "median"}
if not med:
    med = {r["run_name"]: r for r in doc["benchmarks"]
           if r.get("run_type") == "iteration"}

def get(name, counter):
    r = med.get(name)
    if r is None:
        sys.exit(f"issue12_results.sh: {name} missing from the run")
    return r[counter]

def corpus_run(kind, workload, threads=1):
    return f"BM_{kind}/{workload}/real_time/threads:{threads}"

def verdict(ok):
    return "met" if ok else "**missed**"

rows = []
ratio = {w: get(corpus_run("ScoreCorpus", w), "ceiling_ratio")
         for w in ("all", "articles", "headlines", "pages")}
ratio_s = {w: get(corpus_run("ScoreCorpusScratch", w), "ceiling_ratio")
           for w in ("all", "articles", "headlines", "pages")}
rows.append(("`BM_ScoreCorpus/all`, 1 thread, CPU MB/s",
             f"{get(corpus_run('ScoreCorpus', 'all'), 'cpu_MB_per_s'):.1f} "
             f"(tight ceiling {get(corpus_run('TightCeiling', 'all'), 'cpu_MB_per_s'):.0f})",
             "≈ 150", ""))
rows.append(("`ceiling_ratio` all, 1 thread (`Score()` / with `Scratch`)",
             f"{ratio['all']:.3f} / {ratio_s['all']:.3f}", "≥ 0.50",
             verdict(ratio_s["all"] >= 0.50)))
for w in ("pages", "headlines"):
    rows.append((f"`ceiling_ratio` {w}", f"{ratio[w]:.3f} / {ratio_s[w]:.3f}",
                 "≥ 0.35", verdict(ratio_s[w] >= 0.35)))
one = get(corpus_run("ScoreCorpus", "all", 1), "docs_per_second")
two = get(corpus_run("ScoreCorpus", "all", 2), "docs_per_second")
rows.append(("2 threads ÷ 1 thread, `all`, wall docs/s",
             f"{two / 1e3:.1f}k / {one / 1e3:.1f}k = {two / one:.2f}", "≥ 1.8",
             verdict(two / one >= 1.8)))
# The same from thread CPU time: each thread's CPU rate with two threads
# beside the one thread's, times two. It is what two free cores would give
# (no lock or cache contention lowers it below 2), where the wall ratio
# above also counts the other processes on the machine.
cpu_one = get(corpus_run("ScoreCorpus", "all", 1), "cpu_MB_per_s")
cpu_two = get(corpus_run("ScoreCorpus", "all", 2), "cpu_MB_per_s")
rows.append(("2 threads ÷ 1 thread, `all`, from thread CPU (2 × per-thread rate)",
             f"2 × {cpu_two:.1f} / {cpu_one:.1f} = {2 * cpu_two / cpu_one:.2f}",
             "(bound)", ""))
p99 = get("BM_ScoreLatency5KB/manual_time", "p99_cpu_us")
p50 = get("BM_ScoreLatency5KB/manual_time", "p50_cpu_us")
rows.append(("`BM_ScoreLatency5KB` p50 / p99, thread CPU",
             f"{p50:.0f} / {p99:.0f} µs", "p99 < 50 µs", verdict(p99 < 50)))
alloc_a = get(corpus_run("ScoreCorpusScratch", "articles"), "allocs_per_doc")
alloc_p = get(corpus_run("ScoreCorpusScratch", "pages"), "allocs_per_doc")
rows.append(("allocations per document, articles / pages (reused `Scratch`)",
             f"{alloc_a:.2f} / {alloc_p:.1f}", "≤ 2 / ≤ 20",
             verdict(alloc_a <= 2 and alloc_p <= 20)))
adv = {n.split("/")[1]: r for n, r in med.items()
       if n.startswith("BM_Adversarial/")}
worst = max(adv, key=lambda n: adv[n]["x_corpus"])
rows.append(("worst adversarial case ÷ corpus, cycles/byte",
             f"{adv[worst]['x_corpus']:.2f} (`{worst}`, "
             f"{adv[worst]['cycles_per_byte']:.1f} vs "
             f"{adv[worst]['corpus_cpb']:.1f})", "≤ 3",
             verdict(adv[worst]["x_corpus"] <= 3)))
cli = open(cli_path).read()
m = re.search(r"\| ratio CLI / bench \| ([0-9.]+) \|", cli)
cli_ratio = float(m.group(1)) if m else float("nan")
rows.append(("`tidings score --jsonl` ÷ `BM_ScoreCorpus/all`, CPU bytes/s",
             f"{cli_ratio:.2f}", "≥ 0.6", verdict(cli_ratio >= 0.6)))

print(f"corpus: {corpus}; scoring_bench medians of {reps} repetitions; "
      f"host {doc['context'].get('host_name', '?')}, "
      f"{doc['context'].get('num_cpus', '?')} CPUs, "
      f"{doc['context'].get('date', '?')}")
print()
print("| metric | now | target | |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("| adversarial case | input bytes | cycles/byte | ÷ corpus |")
print("|---|---|---|---|")
for n in sorted(adv):
    r = adv[n]
    print(f"| `{n}` | {r['input_bytes']:.0f} | {r['cycles_per_byte']:.1f} | "
          f"{r['x_corpus']:.2f} |")
print()
print(cli.rstrip())
PY
