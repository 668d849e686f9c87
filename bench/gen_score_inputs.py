#!/usr/bin/env python3
"""gen_score_inputs.py N OUT.jsonl [CORPUS.jsonl]: N generated inputs for
`tidings score --jsonl`, to compare two scorers byte for byte
(bench/score_inputs_check.sh).

Each line is {"id", "text"} or {"id", "title", "body"}, built from (seeded,
so the same N gives the same file):
  - the words and phrases of the lexicons in scoring/lexicons (sentiment
    terms, negators, intensifiers, entity aliases, company cues, event
    triggers and cues, gold terms), in random case;
  - numbers, signed percentages ("+4.2%"), money ("$1,950.40/oz"), years;
  - hyphenated and slashed compounds ("US-China", "6-month", "AUD/USD"),
    possessives, "n't" words, abbreviations ("U.S.", "Inc."), markup (links,
    cashtags, hashtags, @mentions), non-ASCII (curly quotes, dashes, emoji),
    control characters (CR, TAB, DEL, C1);
  - with CORPUS: sentences of corpus articles (read in place, never written
    anywhere but OUT), alone or mixed with the above;
  - page-like inputs: menus, bylines, teaser lines, "Share this article",
    several articles in one body.
"""
import json
import os
import random
import re
import sys

n = int(sys.argv[1])
out_path = sys.argv[2]
corpus_path = sys.argv[3] if len(sys.argv) > 3 else None
random.seed(20261207)
here = os.path.dirname(os.path.abspath(__file__))
lexdir = os.path.join(here, "..", "scoring", "lexicons")

# Every TAB field of every lexicon row, split at '|': words and phrases.
terms = []
for name in sorted(os.listdir(lexdir)):
    if not (name.endswith(".tsv") or name.endswith(".txt")):
        continue
    with open(os.path.join(lexdir, name), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            for field in line.rstrip("\n").split("\t"):
                for alt in field.split("|"):
                    alt = alt.strip()
                    if alt and len(alt) < 60 and not re.fullmatch(r"[-+0-9.e]+", alt):
                        terms.append(alt)
terms = sorted(set(terms))

sentences = []
if corpus_path:
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            for key in ("title", "body"):
                text = obj.get(key) or ""
                for s in re.split(r"(?<=[.!?])\s+|\n+", text):
                    if 3 < len(s) < 400:
                        sentences.append(s)
            if len(sentences) > 200000:
                break

glue = ("the a of in on to and but however although after as amid not no "
        "never without failed to n't said says shares stock profit loss rose "
        "fell up down sharply slightly record higher lower compared with "
        "versus year quarter , , , . ; : ( ) \" ' - -- ? !").split()
names = ["Acme", "Infosys", "Apple Inc.", "Tata Motors", "Neste Oil", "AT&T",
         "S&P 500", "U.S.", "U.K.", "EU", "Fed", "ECB", "OPEC", "Putin", "Xi",
         "Russia", "China", "Iran", "Ukraine", "Reuters", "Goldman Sachs",
         "People's Bank of China", "Axis Bank", "BRK.B", "AAPL.O", "<LLY>"]
odd = ["US-China", "Iraq-Iran", "6-month", "one-week", "year-to-date", "AUD/USD",
       "3-1/2", "Trump-era", "mcx-gold", "anti-dumping", "didn't", "won't",
       "isn\u2019t", "company's", "Acme\u2019s", "e.g.", "a.m.", "Dec.", "Inc.",
       "https://t.co/x1", "www.example.com/a?b=1", "$AAPL", "#gold", "@Reuters",
       "\u201cquoted\u201d", "\u2014", "\u2013", "\u20ac5bn", "\u00a31.2m", "\U0001F680",
       "\u0645\u0631\u062d\u0628\u0627", "caf\u00e9", "\u00a0", "...", "?!",
       "\u0001", "\u007f", "\r", "\r\n", "\t", "\u0085", "\u2028", "\ufeff"]


def number():
    r = random.random()
    if r < 0.2:
        return f"{random.choice('+-')}{random.randint(0, 40)}.{random.randint(0, 9)}%"
    if r < 0.35:
        return f"{random.randint(0, 99)} %"
    if r < 0.5:
        return f"${random.randint(1000, 2500):,}.{random.randint(0, 99):02d}/oz"
    if r < 0.6:
        return str(random.randint(1970, 2030))
    if r < 0.7:
        return f"EUR{random.randint(1, 999)}.{random.randint(0, 9)}m"
    if r < 0.8:
        return f"Rs {random.randint(1, 99999):,}"
    return str(random.randint(0, 10 ** random.randint(1, 7)))


def case(w):
    r = random.random()
    return w.upper() if r < 0.1 else w.title() if r < 0.35 else w


def piece():
    r = random.random()
    if r < 0.45:
        return case(random.choice(terms))
    if r < 0.7:
        return random.choice(glue)
    if r < 0.8:
        return random.choice(names)
    if r < 0.9:
        return number()
    return random.choice(odd)


def synthetic(k):
    s = " ".join(piece() for _ in range(k))
    return s[:1].upper() + s[1:] + random.choice([".", ".", ".", "?", "!", ""])


def sentence():
    r = random.random()
    if sentences and r < 0.45:
        return random.choice(sentences)
    if sentences and r < 0.6:  # A corpus sentence with lexicon words spliced in.
        words = random.choice(sentences).split()
        for _ in range(random.randint(1, 3)):
            words.insert(random.randint(0, len(words)), piece())
        return " ".join(words)
    return synthetic(random.randint(1, 30))


def text(k):
    return random.choice([" ", " ", " ", "\n", "\n\n"]).join(sentence() for _ in range(k))


def page():
    menu = " | ".join(random.choice(["Home", "Markets", "World", "Business", "Tech", "Sign in"])
                      for _ in range(random.randint(3, 8)))
    parts = [menu, synthetic(random.randint(4, 10))]
    for _ in range(random.randint(1, 4)):
        title = synthetic(random.randint(4, 12)).rstrip(".")
        parts += [title, title, f"By {random.choice(names)} | Updated "
                  f"{random.randint(1, 28)} Dec 2026, {random.randint(1, 12)}:0{random.randint(0, 9)} pm IST"]
        parts += [text(1) for _ in range(random.randint(2, 12))]
        if random.random() < 0.5:
            parts += ["Share this article", "Related Articles"]
            parts += [synthetic(random.randint(3, 8)).rstrip(".") for _ in range(random.randint(2, 8))]
    parts.append("\u00a9 2026 Example Media. All rights reserved.")
    return "\n".join(parts)


with open(out_path, "w", encoding="utf-8") as f:
    for i in range(n):
        r = random.random()
        if r < 0.3:
            obj = {"id": f"h{i}", "text": sentence()}
        elif r < 0.75:
            obj = {"id": f"a{i}", "title": sentence(), "body": text(random.randint(1, 25))}
        elif r < 0.9:
            obj = {"id": f"t{i}", "text": text(random.randint(1, 12))}
        else:
            obj = {"id": f"p{i}", "text": page()}
        f.write(json.dumps(obj, ensure_ascii=random.random() < 0.5) + "\n")
