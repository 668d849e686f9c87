#!/usr/bin/env bash
# score_cli_check.sh OLD_TIDINGS NEW_TIDINGS [SHARED_DATA]
#
# Proves that two `tidings score` binaries print the same bytes: stdout,
# stderr and exit status, on
#   - the test fixtures (tests/fixtures: JSONL and whole files),
#   - JSON lines generated here to reach every branch of the fast input path
#     and its fallback (escapes, \u escapes and surrogates, invalid UTF-8,
#     numeric/null/nested ids, duplicate and unquoted keys, odd whitespace,
#     control characters, code points the JSON printer escapes), long
#     sentences dense with lexicon hits and articles of many short sentences,
#   - with SHARED_DATA (e.g. ../shared/data): the news corpus as JSONL, every
#     page of pages/ as a whole file (bylines: published_at, author) and the
#     corpus again with --min-relevance 0 and --content-type page.
# Nothing is copied from SHARED_DATA; outputs go to a temporary directory.
set -euo pipefail
old=$1 new=$2 data=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 runs=0

same() {  # same NAME ARGS...: runs both binaries with ARGS and compares.
  local name=$1
  shift
  local rc_old=0 rc_new=0
  "$old" score "$@" >"$tmp/o.out" 2>"$tmp/o.err" || rc_old=$?
  "$new" score "$@" >"$tmp/n.out" 2>"$tmp/n.err" || rc_new=$?
  runs=$((runs + 1))
  if cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err" &&
    [[ $rc_old == "$rc_new" ]]; then
    echo "same  $name ($(wc -l <"$tmp/n.out") signals, exit $rc_new)"
  else
    echo "DIFF  $name (exit $rc_old vs $rc_new)"
    diff <(head -c 2000 "$tmp/o.out") <(head -c 2000 "$tmp/n.out") | head -5 || true
    diff "$tmp/o.err" "$tmp/n.err" | head -5 || true
    fails=$((fails + 1))
  fi
}

python3 - "$tmp/gen.jsonl" <<'PY'
import json, random, sys
random.seed(12)
words = ("Gold prices surged as tariffs hit shares; profits fell sharply. "
         "The Fed cut rates <again> & \"markets\" rallied \\ slash / end.").split()
special = ["\u2028", "\u2029", "\u00ad", "\u0085", "\u009f", "\u007f", "\u200b",
           "\u202e", "\u2060", "\u206a", "\ufeff", "\ufff9", "\u0600", "\u06dd",
           "\u070f", "\u17b4", "\U000e0001", "\U000e0041", "\U0001d173", "<", ">",
           "\"", "\\", "\t", "\b", "\f", "\r", "\x01", "\x1f", "é", "€", "😀",
           "\U0001F1FA\U0001F1F8", "\u0645\u0631\u062d\u0628\u0627"]
def text(n):
    out = []
    for _ in range(n):
        out.append(random.choice(words) if random.random() < 0.8 else random.choice(special))
    return " ".join(out) + "."
lines = []
for i in range(3000):
    obj = {"id": f"g{i}", "text": text(random.randint(1, 60))}
    if i % 7 == 0:
        obj = {"id": f"g{i}", "title": text(6), "body": text(40)}
    if i % 11 == 0:
        obj["published"] = None
    if i % 13 == 0:
        obj["score"] = random.choice([1, -2.5, 0, 12345678901234567890, 1e300, True, [1, 2], {"a": 1}])
    ensure_ascii = i % 2 == 0
    lines.append(json.dumps(obj, ensure_ascii=ensure_ascii))
raw = [
    '{"id": 7, "text": "Gold rose 2%."}', '{"id": 7.5, "text": "Gold rose."}',
    '{"id": 1e3, "text": "Gold rose."}', '{"id": true, "text": "Gold fell."}',
    '{"id": null, "text": "Gold fell."}', '{"id": {"x": 1}, "text": "Gold fell."}',
    '{"article_id": "a1", "text": "Shares fell."}', '{"article_id": 99, "text": "Shares fell."}',
    '{"id": "d", "text": "one", "text": "two"}', '{id: "u", text: "unquoted keys"}',
    '{"id": "t", "text": "trailing",}', '{"id": "s", "text": \'single\'}',
    '{"id": "ws", "text": "tabs"\t}\t', ' {"id":"sp","text":"spaces"} ',
    '{"id": "cr", "text": "cr"}\r', '\ufeff{"id": "bom", "text": "bom"}',
    '{"id": "ls", "text": "lone \\ud800 surrogate"}', '{"id": "lo", "text": "low \\udc00 first"}',
    '{"id": "pair", "text": "pair \\ud83d\\ude00 ok"}', '{"id": "nul", "text": "nul \\u0000 byte"}',
    '{"id": "esc", "text": "\\b\\f\\n\\r\\t\\/\\\\\\" \\u00e9 \\u20AC \\u2028"}',
    '{"id": "badesc", "text": "bad \\x escape"}', '{"id": "ctl", "text": "raw \x01 control"}',
    '{"id": "tab", "text": "raw \t tab"}', '{"id": "notext"}', '{}', '[]', '"str"', '12',
    '{"id": "nt", "text": null, "body": "Gold surged."}', '{"id": "nb", "text": 5}',
    '{"id": "n0", "text": "x", "v": 01}', '{"id": "n1", "text": "x", "v": -0}',
    '{"id": "n2", "text": "x", "v": 1.}', '{"id": "n3", "text": "x", "v": .5}',
    '{"id": "n4", "text": "x", "v": 1E5}', '{"id": "n5", "text": "x", "v": 123456789012345678}',
    '{"id": "tr", "text": "x"} trailing', '{"id": "x", "text": "unterminated}',
    '{"id": "k\\u0069", "text": "escaped key"}', '{"id": "e", "text": ""}',
    '{"id":"nested","text":"Gold rose.","meta":{"a":[1,{"b":null}]}}',
]
# Long sentences dense with lexicon hits (event triggers, cues, entities,
# years): the scorer's paths for sentences with many cues.
dense = ("gold prices surged plunged tariffs tariff sanctions embargo war strike "
         "attack missile troops ceasefire talks Russia China Iran Ukraine Putin Xi "
         "Biden OPEC EU NATO imposed lifted eased threatened retaliatory duties "
         "1987 2001 1973-74 since $1950 record ounce bullion rally slump not").split()
for i in range(2000):
    n = random.choice([20, 60, 200, 600, 2000])
    toks = [random.choice(dense) if random.random() < 0.7 else random.choice(words)
            for _ in range(n)]
    for k in range(len(toks)):
        if random.random() < 0.002:
            toks[k] += "."
    lines.append(json.dumps({"id": f"dense{i}", "text": " ".join(toks) + "."}))
# Articles of many short sentences with hits (position weights of late
# sentences, pages of repeated lines).
report = ["Gold prices rose 2% on Tuesday as the dollar fell sharply, traders said.",
          "Gold Hits Record High As Dollar Slumps", "China imposed tariffs on US goods.",
          "Russia faces new sanctions over the war.",
          "Shares of Apple fell 3% after weak results.", "Oil slumped on supply fears."]
for i in range(300):
    n = random.choice([5, 20, 80, 300])
    lines.append(json.dumps({"id": f"many{i}", "title": random.choice(report),
                             "body": "\n".join(random.choice(report) for _ in range(n))}))
bad_utf8 = [b'{"id": "u8", "text": "caf\xe9 latte rose"}', b'{"id": "u8b", "text": "\xc0\xaf overlong"}',
            b'{"id": "u8c", "text": "\xed\xa0\x80 surrogate bytes"}', b'{"id": "u8d", "text": "trunc \xe2\x82"}']
with open(sys.argv[1], "wb") as f:
    for l in lines + raw:
        f.write(l.encode("utf-8") + b"\n")
    for l in bad_utf8:
        f.write(l + b"\n")
PY

same generated.jsonl --jsonl "$tmp/gen.jsonl"
same generated.jsonl/min-relevance-0 --jsonl --min-relevance 0 "$tmp/gen.jsonl"
for f in "$here"/tests/fixtures/*.jsonl; do same "fixtures/$(basename "$f")" --jsonl "$f"; done
for f in "$here"/tests/fixtures/*.txt "$here"/tests/fixtures/pages/*; do
  [[ -f $f ]] && same "fixtures/${f#"$here"/tests/fixtures/}" "$f"
done
if [[ -n $data ]]; then
  corpus=$data/corpus/news_corpus.jsonl
  same news_corpus.jsonl --jsonl "$corpus"
  same news_corpus.jsonl/min-relevance-0 --jsonl --min-relevance 0 "$corpus"
  same news_corpus.jsonl/content-type-page --jsonl --content-type page "$corpus"
  n=0
  for f in "$data"/pages/*/*.txt; do
    same "pages/${f#"$data"/pages/}" "$f" >"$tmp/page.log"
    grep -v '^same' "$tmp/page.log" || n=$((n + 1))
  done
  echo "same  $n pages of $data/pages as whole files"
fi
echo "$runs runs, $fails differ"
[[ $fails == 0 ]]
