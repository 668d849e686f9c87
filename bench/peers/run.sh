#!/usr/bin/env bash
# bench/peers/run.sh: the npm sentiment scorers `sentiment` (AFINN) and
# `vader-sentiment` timed over the same corpus text as scoring_bench, then
# scoring_bench BM_ScoreCorpus/all at 1 thread, side by side.
#
#   TIDINGS_CORPUS=/work/shared/data/corpus/news_corpus.jsonl bench/peers/run.sh
#
# Environment: TIDINGS_CORPUS (default: bench/data/fixture_corpus.jsonl),
# SCORING_BENCH (default: build/bench/scoring_bench, a Release build),
# VADER_MB (VADER's input cap in MB, default 1), RUNS (default 5).
# npm installs the versions pinned in package.json into bench/peers/node_modules,
# which git ignores (as it does package-lock.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"

missing=()
command -v node >/dev/null 2>&1 || missing+=(node)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "bench/peers: ${missing[*]} not found; the peer comparison needs Node.js" \
       "and npm (Debian: apt-get install nodejs npm). Skipping it."
  exit 0
fi

corpus="${TIDINGS_CORPUS:-${repo}/bench/data/fixture_corpus.jsonl}"
bench="${SCORING_BENCH:-${repo}/build/bench/scoring_bench}"
runs="${RUNS:-5}"
vader_mb="${VADER_MB:-1}"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

echo "== npm install (pinned in bench/peers/package.json; into bench/peers/node_modules, git-ignored)"
(cd "${here}" && npm install --no-audit --no-fund --loglevel=error)
echo "   node $(node --version), npm $(npm --version)"
echo

echo "== peers"
node "${here}/peers.js" --corpus "${corpus}" --runs "${runs}" \
  --vader-mb "${vader_mb}" --json "${tmp}/peers.json"
echo

echo "== tidings: scoring_bench BM_ScoreCorpus/all, 1 thread, median of ${runs}"
if [[ ! -x "${bench}" ]]; then
  echo "${bench} not found; build it first (Release):"
  echo "  cmake -S ${repo} -B ${repo}/build -DCMAKE_BUILD_TYPE=Release"
  echo "  cmake --build ${repo}/build --target scoring_bench -j2"
  echo "(or point SCORING_BENCH at the binary)"
  exit 1
fi
TIDINGS_CORPUS="${corpus}" "${bench}" \
  --benchmark_filter='^BM_ScoreCorpus/all/real_time/threads:1$' \
  --benchmark_repetitions="${runs}" --benchmark_report_aggregates_only=true \
  --benchmark_out="${tmp}/ours.json" --benchmark_out_format=json
node "${here}/peers.js" --summary "${tmp}/peers.json" "${tmp}/ours.json"
