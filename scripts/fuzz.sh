#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan in
# build-fuzz/, then runs each on a copy of its seed corpus
# (tests/fuzz/corpus/<target>/, left untouched) for its share of the time.
# Prints executions and time per target; exits nonzero on any finding
# (crash, sanitizer report, leak, timeout, out-of-memory) and prints where
# the reproducer was written. Re-run one with: build-fuzz/tests/fuzz/<target> <file>
#
# Usage: scripts/fuzz.sh [SECONDS_TOTAL]   (default 180, split evenly)
# Environment:
#   FUZZ_TARGETS   targets to run (default: "scorer_fuzz text_fuzz request_fuzz")
#   FUZZ_BUILD_DIR build directory (default: build-fuzz)
#   FUZZ_JOBS      parallel compile jobs (default: nproc)
#   FUZZ_CXX       the clang++ to use (default: clang++)
#   FUZZ_WORK_DIR  where corpus copies, logs and crash files go (default: a
#                  new temp dir, removed when nothing was found)
set -euo pipefail
cd "$(dirname "$0")/.."

total=${1:-180}
[[ "$total" =~ ^[0-9]+$ && "$total" -gt 0 ]] || { echo "usage: $0 [SECONDS_TOTAL]" >&2; exit 2; }
targets=(${FUZZ_TARGETS:-scorer_fuzz text_fuzz request_fuzz})
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}
cxx=${FUZZ_CXX:-clang++}

# --- toolchain: clang with the libFuzzer and sanitizer runtimes -------------
probe_dir=$(mktemp -d)
probe() {
  command -v "$cxx" >/dev/null 2>&1 &&
    echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
      "$cxx" -x c++ -fsanitize=fuzzer,address,undefined - -o "$probe_dir/probe" 2>/dev/null
}
if ! probe; then
  echo "fuzz: $cxx cannot link -fsanitize=fuzzer; installing clang and libclang-rt-14-dev"
  TIDINGS_FUZZ_DEPS=1 scripts/install-deps.sh
  probe || { echo "fuzz: $cxx still cannot build libFuzzer targets" >&2; rm -rf "$probe_dir"; exit 1; }
fi
rm -rf "$probe_dir"

# --- build: only the fuzz targets and what they link -------------------------
# Every library is compiled with the sanitizers and coverage (fuzzer-no-link);
# -O1 with line tables and asserts on (no NDEBUG).
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
t0=$SECONDS
cmake -S . -B "$build" \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DTIDINGS_FUZZ=ON -DTIDINGS_BUILD_TESTS=ON -DTIDINGS_BUILD_BENCH=OFF >/dev/null
# One umbrella target keeps make's parallelism across all three binaries.
build_targets=(fuzz_targets)
[[ -z "${FUZZ_TARGETS:-}" ]] || build_targets=("${targets[@]}")
cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"
echo "fuzz: built ${targets[*]} in $((SECONDS - t0)) s"

# --- run ----------------------------------------------------------------------
work=${FUZZ_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tidings-fuzz.XXXXXX")}
mkdir -p "$work"
share=$((total / ${#targets[@]}))
((share > 0)) || share=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/$t"
  seeds="tests/fuzz/corpus/$t"
  [[ -d "$seeds" ]] || { echo "fuzz: no seed corpus $seeds" >&2; exit 1; }
  corpus="$work/$t/corpus"
  artifacts="$work/$t/artifacts"
  log="$work/$t/log.txt"
  rm -rf "$work/$t"
  mkdir -p "$corpus" "$artifacts"
  cp -r "$seeds/." "$corpus/"
  dict=()  # tests/fuzz/<target>.dict, else the shared news.dict.
  for d in "tests/fuzz/$t.dict" tests/fuzz/news.dict; do
    [[ -f "$d" ]] && { dict=(-dict="$d"); break; }
  done
  echo "fuzz: $t for ${share}s on a copy of $seeds ($(ls "$corpus" | wc -l) seeds)"
  start=$SECONDS
  set +e
  "$bin" "${dict[@]}" -max_total_time="$share" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  secs=$((SECONDS - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  found=$(ls "$artifacts" 2>/dev/null | head -20)
  if [[ $rc -ne 0 || -n "$found" ]]; then
    failed+=("$t")
    summary+=("$(printf '%-13s FINDING (exit %d) after %ss, %s executions' "$t" "$rc" "$secs" "${execs:-?}")")
    echo "fuzz: $t FOUND A PROBLEM (exit $rc). Log tail ($log):"
    # From the first report line on (a failed check, a sanitizer, libFuzzer's
    # timeout/leak/OOM), else the end of the log.
    first=$(grep -nE 'FUZZ_CHECK failed|ERROR:|runtime error:|ALARM:' "$log" | head -1 | cut -d: -f1)
    grep -Ev '^#[0-9]|NEW_FUNC|# Uses:' <(if [[ -n "$first" ]]; then tail -n +"$first" "$log"; else tail -60 "$log"; fi) |
      head -80 | sed 's/^/  | /'
    for f in $found; do echo "fuzz: reproducer: $artifacts/$f"; done
    echo "fuzz: reproduce with: $bin $artifacts/<file>"
  else
    summary+=("$(printf '%-13s ok %4ss %10s executions  %s  corpus %s -> %s' "$t" "$secs" "${execs:-?}" "$cov" \
      "$(ls "$seeds" | wc -l)" "$(ls "$corpus" | wc -l)")")
  fi
done

echo "fuzz: summary (${total}s budget, ${share}s per target)"
printf '  %s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}; logs and reproducers kept in $work" >&2
  exit 1
fi
[[ -n "${FUZZ_WORK_DIR:-}" ]] || rm -rf "$work"
echo "fuzz: no findings"
