#!/usr/bin/env bash
# score_inputs_check.sh OLD_TIDINGS NEW_TIDINGS [N] [CORPUS.jsonl]
#
# Scores N (default 100000) generated inputs (gen_score_inputs.py: lexicon
# words and phrases, numbers, compounds, markup, pages; with CORPUS, corpus
# sentences read in place) with both binaries, as `--jsonl`, as
# `--jsonl --min-relevance 0` and as `--jsonl --content-type page`, and
# compares stdout, stderr and exit status byte for byte. Exits 1 on any
# difference. Nothing is kept: the inputs and outputs go to a temporary
# directory.
set -euo pipefail
old=$1 new=$2 n=${3:-100000} corpus=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_score_inputs.py" "$n" "$tmp/in.jsonl" ${corpus:+"$corpus"}
echo "$(wc -l <"$tmp/in.jsonl") inputs, $(wc -c <"$tmp/in.jsonl") bytes"
fails=0
for flags in "" "--min-relevance 0" "--content-type page"; do
  rc_old=0 rc_new=0
  # shellcheck disable=SC2086
  "$old" score --jsonl $flags "$tmp/in.jsonl" >"$tmp/o.out" 2>"$tmp/o.err" || rc_old=$?
  # shellcheck disable=SC2086
  "$new" score --jsonl $flags "$tmp/in.jsonl" >"$tmp/n.out" 2>"$tmp/n.err" || rc_new=$?
  if cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err" &&
    [[ $rc_old == "$rc_new" ]]; then
    echo "same  --jsonl $flags ($(wc -l <"$tmp/n.out") signals, exit $rc_new)"
  else
    echo "DIFF  --jsonl $flags (exit $rc_old vs $rc_new)"
    cmp "$tmp/o.out" "$tmp/n.out" | head -2 || true
    fails=$((fails + 1))
  fi
done
echo "$fails differ"
[[ $fails == 0 ]]
