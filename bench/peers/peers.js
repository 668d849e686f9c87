#!/usr/bin/env node
// Copyright 2026 The Tidings Authors.
//
// peers.js: times the npm sentiment scorers `sentiment` (AFINN-165) and
// `vader-sentiment` (VADER) over the same corpus text as
// `scoring_bench BM_ScoreCorpus/all`: one call per corpus item on its
// title + "\n\n" + body. Throughput counts the UTF-8 bytes of title and body,
// as scoring_bench's bytes_per_second does. Each peer gets one warm-up pass
// and then RUNS timed passes; the median is reported.
//
// VADER is slow (well under 1 MB/s), so its input is capped: every k-th item
// of the corpus so that the sample spans all sources, up to --vader-mb MB.
//
// Usage:
//   node peers.js [--corpus FILE] [--runs 5] [--vader-mb 1] [--json OUT]
//   node peers.js --summary PEERS_JSON SCORING_BENCH_JSON
// The corpus defaults to $TIDINGS_CORPUS, then bench/data/fixture_corpus.jsonl.
// Run through bench/peers/run.sh, which installs the pinned packages first.

'use strict';

const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const args = {
    corpus: process.env.TIDINGS_CORPUS ||
        path.join(__dirname, '..', 'data', 'fixture_corpus.jsonl'),
    runs: 5,
    vaderMB: 1,
    json: null,
    summary: null,
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--corpus') args.corpus = next();
    else if (a === '--runs') args.runs = Number(next());
    else if (a === '--vader-mb') args.vaderMB = Number(next());
    else if (a === '--json') args.json = next();
    else if (a === '--summary') args.summary = [next(), next()];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(args.runs >= 1)) throw new Error('--runs must be >= 1');
  if (!(args.vaderMB > 0)) throw new Error('--vader-mb must be > 0');
  return args;
}

function loadCorpus(file) {
  const docs = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    let item;
    try {
      item = JSON.parse(lines[n]);
    } catch (e) {
      throw new Error(`${file}:${n + 1}: ${e.message}`);
    }
    const title = item.title || '';
    const body = item.body || '';
    docs.push({
      text: body ? `${title}\n\n${body}` : title,
      bytes: Buffer.byteLength(title, 'utf8') + Buffer.byteLength(body, 'utf8'),
    });
  }
  return docs;
}

function sumBytes(docs) {
  return docs.reduce((s, d) => s + d.bytes, 0);
}

// Every k-th document, k chosen so that the sample is about `maxBytes`.
function strideSample(docs, maxBytes) {
  const total = sumBytes(docs);
  if (total <= maxBytes) return {docs, stride: 1};
  const stride = Math.ceil(total / maxBytes);
  const out = [];
  for (let i = 0; i < docs.length; i += stride) out.push(docs[i]);
  return {docs: out, stride};
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// One timed pass: wall seconds, and the process's CPU seconds (user + system;
// on a shared machine this is the code's own cost, without time lost to other
// processes; it includes V8's helper threads such as the GC).
function pass(score, docs) {
  let check = 0;  // Keeps the results alive.
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const d of docs) check += score(d.text);
  const t1 = process.hrtime.bigint();
  const c = process.cpuUsage(c0);
  return {seconds: Number(t1 - t0) / 1e9, cpu: (c.user + c.system) / 1e6, check};
}

function timePeer(name, version, score, docs, runs, note) {
  pass(score, docs);  // Warm-up (JIT, lexicon caches).
  const secs = [], cpus = [];
  let check = 0;
  for (let r = 0; r < runs; r++) {
    const p = pass(score, docs);
    secs.push(p.seconds);
    cpus.push(p.cpu);
    check = p.check;
  }
  const bytes = sumBytes(docs);
  const s = median(secs);
  return {
    name, version, note,
    docs: docs.length,
    mb: bytes / (1 << 20),
    median_s: s,
    mb_per_s: bytes / (1 << 20) / s,
    cpu_mb_per_s: bytes / (1 << 20) / median(cpus),
    docs_per_s: docs.length / s,
    runs: secs,
    cpu_runs: cpus,
    checksum: check,
  };
}

function pkgVersion(name) {
  return require(path.join(name, 'package.json')).version;
}

function fmt(x, digits) {
  return x.toFixed(digits).padStart(10);
}

// MB/s and docs/s per wall second; "CPU MB/s" per second of CPU time.
function printRows(rows, ours) {
  console.log(
      'scorer                          input                                ' +
      '      MB/s   CPU MB/s     docs/s   median s' +
      (ours ? '  ours/peer  (CPU)' : ''));
  for (const r of rows) {
    const name = `${r.name} ${r.version}`.trim().padEnd(32);
    const input = `${r.mb.toFixed(2)} MB, ${r.docs} docs ${r.note}`.padEnd(36);
    const secs = Number.isNaN(r.median_s) ? '-'.padStart(10) : fmt(r.median_s, 3);
    let line = `${name}${input}${fmt(r.mb_per_s, 2)} ${fmt(r.cpu_mb_per_s, 2)} ` +
        `${fmt(r.docs_per_s, 0)} ${secs}`;
    if (ours) {
      line += `${fmt(ours.mb_per_s / r.mb_per_s, 2)}x` +
          `${(ours.cpu_mb_per_s / r.cpu_mb_per_s).toFixed(2).padStart(6)}x`;
    }
    console.log(line);
  }
}

function runPeers(args) {
  const all = loadCorpus(args.corpus);
  const vaderInput = strideSample(all, args.vaderMB * (1 << 20));
  console.log(`corpus: ${args.corpus} (${all.length} items, ` +
              `${(sumBytes(all) / (1 << 20)).toFixed(2)} MB of title+body)`);
  console.log(`method: one call per item on title + "\\n\\n" + body; one ` +
              `warm-up pass, then the median of ${args.runs} timed passes`);
  if (vaderInput.stride > 1) {
    console.log(`note: vader-sentiment is capped at ~${args.vaderMB} MB ` +
                `(1 item in ${vaderInput.stride}, spread over the whole corpus) ` +
                `because it runs well ` +
                `under 1 MB/s; pass --vader-mb to change the cap`);
  }
  console.log('');

  const Sentiment = require('sentiment');
  const afinn = new Sentiment();
  const vader = require('vader-sentiment');

  const rows = [];
  rows.push(timePeer('sentiment (AFINN-165)', pkgVersion('sentiment'),
                     (t) => afinn.analyze(t).score, all, args.runs, '(all)'));
  rows.push(timePeer(
      'vader-sentiment', pkgVersion('vader-sentiment'),
      (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound,
      vaderInput.docs, args.runs,
      vaderInput.stride > 1 ? `(capped, 1/${vaderInput.stride})` : '(all)'));
  printRows(rows, null);
  if (args.json) {
    fs.writeFileSync(args.json, JSON.stringify({
      corpus: args.corpus,
      node: process.version,
      rows,
    }, null, 1));
  }
}

// Side-by-side table: the peers' results and scoring_bench's JSON output
// (run with --benchmark_repetitions, so that a "median" aggregate exists).
function summary(peersFile, benchFile) {
  const peers = JSON.parse(fs.readFileSync(peersFile, 'utf8'));
  const bench = JSON.parse(fs.readFileSync(benchFile, 'utf8'));
  const runs = bench.benchmarks.filter(
      (b) => b.run_name && b.run_name.startsWith('BM_ScoreCorpus/all/'));
  const pick = runs.find((b) => b.aggregate_name === 'median') ||
      runs.find((b) => b.run_type === 'iteration');
  if (!pick) throw new Error(`no BM_ScoreCorpus/all result in ${benchFile}`);
  const ctx = bench.context || {};
  const wl = (ctx.workload_all || '').match(/^(\d+) docs, ([\d.]+) MB/);
  const ours = {
    name: 'tidings (scoring_bench)',
    version: '',
    note: pick.aggregate_name === 'median' ? '(all, median)' : '(all)',
    docs: wl ? Number(wl[1]) : 0,
    mb: wl ? Number(wl[2]) : 0,
    median_s: NaN,
    mb_per_s: pick.bytes_per_second / (1 << 20),
    cpu_mb_per_s: pick.cpu_MB_per_s,
    docs_per_s: pick.docs_per_second,
  };
  console.log('');
  console.log(`side by side (${pick.name}, ${ctx.scorer_version}; machine: ` +
              `${ctx.num_cpus} CPUs @ ${ctx.mhz_per_cpu} MHz, load ` +
              `${(ctx.load_avg || []).map((x) => x.toFixed(2)).join(' ')}):`);
  printRows([ours, ...peers.rows], ours);
}

function main() {
  const args = parseArgs(process.argv);
  if (args.summary) summary(args.summary[0], args.summary[1]);
  else runPeers(args);
}

try {
  main();
} catch (e) {
  console.error(`peers.js: ${e.message}`);
  process.exit(1);
}
