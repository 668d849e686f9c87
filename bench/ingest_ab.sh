#!/usr/bin/env bash
# A/B of two `tidings` builds on a JSONL corpus: bulk ingest rate into an
# empty store, and the time to reopen the filled store (until "serving on"),
# alternating A and B so that a noisy machine hurts both alike. Prints one
# line per run; report the medians and the ratio B/A.
#   bench/ingest_ab.sh A_BINARY B_BINARY CORPUS.jsonl [ROUNDS] [INGEST FLAGS...]
# e.g. bench/ingest_ab.sh /tmp/main/tidings build/tidings \
#   ../shared/data/corpus/news_corpus.jsonl 5 \
#   --map id=article_id,published=published_at --assume-tz UTC
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,10p' "$0"; exit 2; }
a=$1 b=$2 corpus=$3 rounds=${4:-3}
shift $(( $# >= 4 ? 4 : 3 ))
for round in $(seq "$rounds"); do
  for name in A B; do
    bin=$a; [[ $name == B ]] && bin=$b
    dir=$(mktemp -d)
    "$bin" serve --listen 127.0.0.1:0 --data "$dir/db" 2> "$dir/log" &
    pid=$!
    addr=
    for _ in $(seq 200); do
      addr=$(sed -n 's/.*serving on \([0-9.:]*\),.*/\1/p' "$dir/log")
      [[ -n $addr ]] && break
      sleep 0.05
    done
    rate=$("$bin" ingest --server "$addr" --jsonl --quiet "$@" "$corpus" 2>&1 |
      sed -n 's/.* \([0-9]*\) articles\/s.*/\1/p')
    kill "$pid"; wait "$pid" || true
    start=$(date +%s%N)
    "$bin" serve --listen 127.0.0.1:0 --data "$dir/db" 2> "$dir/log2" &
    pid=$!
    for _ in $(seq 1000); do
      grep -q "serving on" "$dir/log2" 2>/dev/null && break
      sleep 0.01
    done
    reopen_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    kill "$pid"; wait "$pid" || true
    echo "round $round $name articles_per_s=$rate reopen_ms=$reopen_ms"
    rm -rf "$dir"
  done
done
