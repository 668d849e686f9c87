#!/usr/bin/env python3
# Copyright 2026 The Tidings Authors.
"""Lists candidate sentiment terms from the development sets, read in place.

For every word and two-word phrase of the three sentiment dev sets (FPB
75Agree, TFNS train, SEntFiN dev) it prints, per set, how many texts of each
class contain it, a class-association score, and whether the lexicons
(scoring/lexicons/sentiment*.tsv) already have it. The output is a worksheet
for a reviewer (see scoring/lexicons/README.md): it is not committed, and
no row of it goes into a lexicon without review.

Score: smoothed log-odds of positive vs negative among the texts that
contain the term, minus the same log-odds over the whole set
(log((pos+a)/(neg+a)) - log((P+a)/(N+a)), a = 1): > 0 leans positive. The
"polar" share is (pos+neg+1)/(n+2), the share of its texts that carry
sentiment, beside the set's base share. Cashtags, links, @mentions and
hashtags are dropped before counting, as the scorer ignores them.

Examples (from the repository root):
  scripts/lexicon_candidates.py --missing --min-sets 2
  scripts/lexicon_candidates.py --set tfns --missing --ngram 2 --top 50
  scripts/lexicon_candidates.py --term fine --term record
Python 3 standard library only.
"""

import argparse
import csv
import math
import os
import re
import sys

# (name, file under --data): one file per register.
SETS = [
    ("fpb", "fpb/75agree.dev.tsv"),
    ("tfns", "tfns/train.tsv"),
    ("sentfin", "sentfin/dev.tsv"),
]
LEXICONS = ["sentiment.tsv", "sentiment_terms.tsv"]
CLASSES = ("positive", "negative", "neutral")

# Markup that carries no sentiment, removed before counting.
MARKUP = re.compile(
    r"(?:https?://|www\.)\S*|\$[A-Za-z][A-Za-z0-9.]*|[#@]\w+|https?:?$")
# A word: letters with inner "-" or "'" ("loss-making", "don't"); "n't" kept.
WORD = re.compile(r"[a-z]+(?:[-'\u2019][a-z]+)*|[%]")
# Very common function words: never candidates on their own.
STOP = set("""a an the of to in on at for by with from and or as is are was
were be been has have had it its this that these those s 's than into over
after before about up down""".split())


def words(text):
    text = MARKUP.sub(" ", text).lower().replace("\u2019", "'")
    return WORD.findall(text)


def terms_of(text, ngram):
    ws = words(text)
    out = set()
    if ngram in (0, 1):
        out.update(w for w in ws if w not in STOP and len(w) > 1)
    if ngram in (0, 2):
        out.update(f"{a} {b}" for a, b in zip(ws, ws[1:])
                   if not (a in STOP and b in STOP))
    return out


def read_set(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["label"], r["text"]) for r in rows]


def read_lexicon(lexicon_dir):
    """term -> list of "kind:value" it has in the sentiment lexicons."""
    known = {}
    for name in LEXICONS:
        path = os.path.join(lexicon_dir, name)
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].rstrip()
                if not line.strip():
                    continue
                fields = [x.strip() for x in line.split("\t")]
                if len(fields) < 2 or fields[0] == "param":
                    continue
                role = fields[0] + (":" + fields[2] if len(fields) > 2 else "")
                for alt in fields[1].split("|"):
                    known.setdefault(" ".join(alt.split()), []).append(role)
    return known


def log_odds(pos, neg, total_pos, total_neg, a=1.0):
    return (math.log((pos + a) / (neg + a)) -
            math.log((total_pos + a) / (total_neg + a)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data",
                    help="evaluation data root (default: ../shared/data)")
    ap.add_argument("--lexicons",
                    default=os.path.join(here, "..", "scoring", "lexicons"),
                    help="lexicon directory (default: the repository's)")
    ap.add_argument("--set", action="append", choices=[s for s, _ in SETS],
                    help="only this set (repeatable; default: all)")
    ap.add_argument("--ngram", type=int, choices=[0, 1, 2], default=0,
                    help="1 = words, 2 = two-word phrases, 0 = both")
    ap.add_argument("--missing", action="store_true",
                    help="only terms the lexicons do not have")
    ap.add_argument("--min-count", type=int, default=3,
                    help="texts a term needs in a set to count there")
    ap.add_argument("--min-sets", type=int, default=1,
                    help="sets in which it must reach --min-count")
    ap.add_argument("--min-score", type=float, default=0.0,
                    help="smallest |mean log-odds| to print")
    ap.add_argument("--term", action="append",
                    help="print these terms only (repeatable)")
    ap.add_argument("--top", type=int, default=0,
                    help="print at most this many rows (0 = all)")
    args = ap.parse_args()

    chosen = [(s, f) for s, f in SETS if not args.set or s in args.set]
    known = read_lexicon(args.lexicons)
    wanted = set(" ".join(t.lower().split()) for t in args.term or [])
    counts = {}   # term -> set -> [pos, neg, neu]
    totals = {}   # set -> [pos, neg, neu]
    for name, rel in chosen:
        path = os.path.join(args.data, rel)
        if not os.path.exists(path):
            sys.exit(f"{path} not found; pass --data")
        tot = totals.setdefault(name, [0, 0, 0])
        for label, text in read_set(path):
            c = CLASSES.index(label)
            tot[c] += 1
            for t in terms_of(text, args.ngram):
                if wanted and t not in wanted:
                    continue
                counts.setdefault(t, {}).setdefault(name, [0, 0, 0])[c] += 1

    rows = []
    for term, per in counts.items():
        in_lex = known.get(term)
        if args.missing and in_lex:
            continue
        scores, present = [], 0
        for name, _ in chosen:
            pos, neg, neu = per.get(name, [0, 0, 0])
            if pos + neg + neu >= args.min_count:
                present += 1
                tp, tn, _ = totals[name]
                scores.append(log_odds(pos, neg, tp, tn))
        if present < args.min_sets or not scores:
            continue
        mean = sum(scores) / len(scores)
        if abs(mean) < args.min_score:
            continue
        consistent = all(s > 0 for s in scores) or all(s < 0 for s in scores)
        rows.append((term, mean, present, consistent, per, in_lex))
    rows.sort(key=lambda r: (-abs(r[1]) * math.sqrt(r[2]), r[0]))
    if args.top:
        rows = rows[:args.top]

    head = ["term", "mean_log_odds", "sets", "same_sign"]
    for name, _ in chosen:
        head += [f"{name}_pos", f"{name}_neg", f"{name}_neu",
                 f"{name}_log_odds", f"{name}_polar"]
    head.append("lexicon")
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(head)
    base = ["", "", "", "base"]
    for name, _ in chosen:
        tp, tn, tu = totals[name]
        base += [tp, tn, tu, "0", f"{(tp + tn) / (tp + tn + tu):.2f}"]
    out.writerow(base + [""])
    for term, mean, present, consistent, per, in_lex in rows:
        row = [term, f"{mean:+.2f}", present, "yes" if consistent else "no"]
        for name, _ in chosen:
            pos, neg, neu = per.get(name, [0, 0, 0])
            tp, tn, _ = totals[name]
            n = pos + neg + neu
            row += [pos, neg, neu,
                    f"{log_odds(pos, neg, tp, tn):+.2f}" if n else "",
                    f"{(pos + neg + 1) / (n + 2):.2f}" if n else ""]
        row.append(",".join(in_lex) if in_lex else "-")
        out.writerow(row)


if __name__ == "__main__":
    main()
