// Copyright 2026 The Tidings Authors.
//
// scoring_bench: the scoring hot path over a real news corpus (issue 4).
//
//   BM_ScoreCorpus/<workload>   full Scorer::Score() (cleaning, sentiment,
//                               events, entities, fingerprints) per document.
//   BM_Ceiling/<workload>       the memory-speed reference over the same
//                               bytes: split on non-alphanumerics, lower-case,
//                               one hash lookup per token in a table of the
//                               lexicon's size. Nothing a scorer could skip.
//   BM_ScoreCorpusScratch/<w>   the same with one reused Scorer::Scratch and
//                               result vector (Score(input, &scratch, &out)).
//   BM_TightCeiling/<workload>  the tight loop of ../shared/tools/ceiling
//                               (bench/tight_ceiling.h) over the same bytes.
//                               BM_ScoreCorpus reports ceiling_ratio = its
//                               CPU MB/s / this loop's CPU MB/s, the loop
//                               measured at startup (README.md, "ceiling").
//   BM_ScoreLatency5KB          p50/p99 time to score one ~5 KB article.
//   BM_Adversarial/<case>       cycles per byte on generated worst cases
//                               (bench/adversarial.h) and their ratio to the
//                               corpus's (README.md, "Worst cases").
//
// Workloads (built once at startup, not timed; see README.md):
//   headlines  gold-headlines items: the title only.
//   articles   every other item with title + body < 8 KB.
//   pages      long raw pages synthesised from corpus articles with chrome
//              (menus, repeated titles, teaser lines, "Related Articles").
//   all        every corpus item as it is (what the peers also read).
//
// Before anything is timed, a fixed sample is scored (on two threads at once)
// and its digest compared with bench/data/reference_<corpus>.tsv; any
// difference aborts the run. `--update_reference` rewrites that file: a
// reviewed change, made only when lexicons or rules change on purpose.
//
// The corpus comes from $TIDINGS_CORPUS (JSONL: id, source, title, body,
// published), falling back to bench/data/fixture_corpus.jsonl. It is read in
// place and never copied.

#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "bench/adversarial.h"
#include "bench/alloc_counter.h"
#include "bench/corpus.h"
#include "bench/reference.h"
#include "bench/tight_ceiling.h"
#include "benchmark/benchmark.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/scorer.h"
#include "scoring/types.h"

#ifndef TIDINGS_BENCH_DATA_DIR
#error \
    "TIDINGS_BENCH_DATA_DIR must name bench/data (set by bench/CMakeLists.txt)"
#endif

// Defined in the generated embedded_lexicons.cc of tidings_scoring (the
// same functions LexiconSet::Load uses to enumerate the lexicon files).
namespace tidings::scoring::internal {
int EmbeddedLexiconCount();
std::string_view EmbeddedLexiconName(int i);
}  // namespace tidings::scoring::internal

namespace tidings::bench {
namespace {

using scoring::ContentKind;
using scoring::ScoredDocument;
using scoring::ScoreInput;
using scoring::Scorer;

constexpr size_t kArticleMaxBytes = 8 * 1024;  // "ordinary" article: < 8 KB
constexpr size_t kLatencyTarget = 5 * 1024;    // BM_ScoreLatency5KB size
constexpr size_t kLatencyPool = 256;           // distinct ~5 KB articles
constexpr int kTightPasses = 5;                // tight ceiling: median of

// Resident set size of this process, from /proc/self/statm (field 2, pages).
double ResidentMB() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * sysconf(_SC_PAGESIZE) / (1 << 20);
}

// Bytes currently allocated by malloc (all arenas, including mmapped chunks).
double HeapMB() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks + mi.hblkhd) / (1 << 20);
}

// CPU time consumed by the calling thread, in seconds. On a shared machine
// this separates the scorer's own cost from time lost to other processes.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string FormatMB(double mb) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", mb);
  return buf;
}

// --- workloads ---------------------------------------------------------------

struct Workload {
  std::string name;
  std::vector<Doc> docs;  // Shuffled: any prefix is a fair sample.
  uint64_t bytes = 0;
  double tight_mb_s = 0;  // The tight ceiling's CPU MB/s, set at startup.
};

bool IsHeadline(const Item& item) {
  return item.source.starts_with("gold-headlines");
}

void Shuffle(std::vector<Doc>* docs, uint64_t seed) {
  Rng rng(seed);
  for (size_t i = docs->size(); i > 1; --i) {
    std::swap((*docs)[i - 1], (*docs)[rng.Below(i)]);
  }
}

Workload MakeWorkload(std::string name, std::vector<Doc> docs) {
  Workload w;
  w.name = std::move(name);
  w.docs = std::move(docs);
  if (w.docs.empty()) Die("workload '" + w.name + "' is empty for this corpus");
  Shuffle(&w.docs, Fnv1a64(w.name));
  for (const Doc& d : w.docs) w.bytes += d.bytes();
  return w;
}

void AppendParagraphs(std::string_view body, std::string* page) {
  // Bodies separate paragraphs with "\n\n"; many scraped pages put one
  // paragraph per line, so pages use single line breaks.
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view para = body.substr(pos, end - pos);
    if (!para.empty()) page->append(para).push_back('\n');
    pos = end + 2;
  }
}

// Long raw pages, synthesised deterministically from corpus articles: a main
// article with site chrome, its title repeated, teaser headlines of other
// stories interleaved with its paragraphs, then "Related Articles" with
// several more full articles (each with its own repeated title, site and time
// lines), then footer chrome. Every article is used once, in corpus order
// (the pool wraps for a tiny corpus so that there are at least 8 pages).
std::vector<Doc> MakePages(const Corpus& corpus, std::deque<std::string>* store,
                           std::deque<std::string>* ids) {
  static constexpr std::string_view kSites[] = {
      "The Daily Ledger", "MarketWire Online", "Newsroom Hub",
      "Global Finance Today", "Morning Briefing"};
  static constexpr std::string_view kAges[] = {
      "12 minutes ago", "1 hour ago", "3 hours ago", "yesterday", "2 days ago"};

  std::vector<const Item*> pool, teasers;
  for (const Item& item : corpus.items) {
    if (!item.title.empty()) teasers.push_back(&item);
    if (!IsHeadline(item) && !item.title.empty() && item.body.size() >= 200) {
      pool.push_back(&item);
    }
  }
  if (pool.empty()) Die("no articles with a body to build pages from");

  Rng rng(20260401);
  std::vector<Doc> pages;
  size_t next = 0;
  auto take = [&]() -> const Item& { return *pool[next++ % pool.size()]; };
  while (next < pool.size() || pages.size() < 8) {
    const std::string_view site = kSites[rng.Below(std::size(kSites))];
    const size_t target = 12 * 1024 + rng.Below(28 * 1024);  // 12..40 KB
    const Item& main = take();
    std::string page;
    page.reserve(target + 8 * 1024);
    page.append(site).append(
        " | Home | Markets | World | Business | Opinion\nSearch\nSign in\n");
    page.append(main.title).append("\n\n").append(main.title).append("\n\n");
    page.append(site).append(" \xC2\xB7 ").append(kAges[rng.Below(5)]);
    page.append(" \xC2\xB7 4 min read\n\n");
    // Main body with a run of teaser headlines after the first paragraph
    // and a few more near the end.
    std::string body_lines;
    AppendParagraphs(main.body, &body_lines);
    size_t first_break = body_lines.find('\n');
    std::string teaser_run;
    for (size_t t = 0, n = 3 + rng.Below(4); t < n; ++t) {
      teaser_run.append(teasers[rng.Below(teasers.size())]->title)
          .push_back('\n');
    }
    if (first_break != std::string::npos) {
      body_lines.insert(first_break + 1, teaser_run);
    } else {
      body_lines.append(teaser_run);
    }
    page.append(body_lines);
    for (size_t t = 0, n = 2 + rng.Below(3); t < n; ++t) {
      page.append(teasers[rng.Below(teasers.size())]->title).push_back('\n');
    }
    page.append(
        "Share this article\nAdvertisement\n\nComments\n\nNo comments yet. "
        "Be the first to comment.\n\nRelated Articles\n\n");
    size_t related = 0;
    while ((page.size() < target || related < 2) && related < 16 &&
           (next < pool.size() || pages.size() < 8)) {
      const Item& rel = take();
      page.append(rel.title).push_back('\n');
      page.append(rel.title).append("\n\n");
      page.append(site).append("\n\n").append(kAges[rng.Below(5)]);
      page.append("\n\n  \xE2\x80\xA2 ").append(site).append("\n\n");
      page.append(rel.title).append("\n\n");
      AppendParagraphs(rel.body, &page);
      page.push_back('\n');
      ++related;
    }
    page.append("More from ").append(site).append("\n");
    for (size_t t = 0; t < 4; ++t) {
      page.append(teasers[rng.Below(teasers.size())]->title).push_back('\n');
    }
    page.append(
        "\nNewsletter: get the morning briefing in your inbox\nSubscribe\n"
        "\xC2\xA9 2026 ");
    page.append(site).append(
        ". All rights reserved.\nPrivacy Policy | Terms of Use | Cookie "
        "Settings\n");

    char id[32];
    std::snprintf(id, sizeof(id), "page-%05zu", pages.size() + 1);
    ids->emplace_back(id);
    store->push_back(std::move(page));
    // A scraped page arrives without a publisher title: the page is the body.
    pages.push_back(Doc{ids->back(), std::string_view(), store->back()});
  }
  return pages;
}

// ~5 KB articles for the latency benchmark: corpus articles of 4.5..5.5 KB
// (sorted by id, at most kLatencyPool), or, for a corpus with none, articles
// built by concatenating bodies until they reach 5 KB.
std::vector<Doc> MakeLatencyDocs(const Corpus& corpus,
                                 std::deque<std::string>* store) {
  std::vector<Doc> docs;
  for (const Item& item : corpus.items) {
    size_t n = item.title.size() + item.body.size();
    if (!IsHeadline(item) && n >= kLatencyTarget - 512 &&
        n <= kLatencyTarget + 512) {
      docs.push_back(Doc{item.id, item.title, item.body});
    }
  }
  std::sort(docs.begin(), docs.end(),
            [](const Doc& a, const Doc& b) { return a.id < b.id; });
  if (docs.size() > kLatencyPool) docs.resize(kLatencyPool);
  if (!docs.empty()) return docs;

  std::vector<const Item*> articles;
  for (const Item& item : corpus.items) {
    if (!IsHeadline(item) && !item.body.empty()) articles.push_back(&item);
  }
  if (articles.empty()) Die("no articles to build a 5 KB article from");
  for (size_t start = 0; start < std::min<size_t>(8, articles.size());
       ++start) {
    std::string body;
    for (size_t k = start; body.size() < kLatencyTarget - 100; ++k) {
      if (!body.empty()) body.append("\n\n");
      body.append(articles[k % articles.size()]->body);
    }
    store->push_back(std::move(body));
    docs.push_back(
        Doc{articles[start]->id, articles[start]->title, store->back()});
  }
  return docs;
}

// --- the ceiling's table -----------------------------------------------------

// One entry per lexicon row of every lexicon file the scorer loads: the
// lower-cased first column. A duplicate first column (the same term in two
// files) gets a padding key that never matches, so that the table's size
// equals the scorer's lexicon entry count.
// `terms` (if not null) receives every row's key, duplicates included, as
// ceiling.cc reads them.
absl::flat_hash_set<std::string> LexiconKeys(std::vector<std::string>* terms) {
  namespace si = scoring::internal;
  absl::StatusOr<si::LexiconSet> lex = si::LexiconSet::Load("");
  if (!lex.ok())
    Die("loading lexicons: " + std::string(lex.status().message()));
  absl::flat_hash_set<std::string> keys;
  for (int i = 0; i < si::EmbeddedLexiconCount(); ++i) {
    std::string_view name = si::EmbeddedLexiconName(i);
    absl::StatusOr<std::vector<si::LexiconRow>> rows = lex->Rows(name, 1, 1000);
    if (!rows.ok()) Die(std::string(rows.status().message()));
    for (const si::LexiconRow& row : *rows) {
      std::string key = absl::AsciiStrToLower(si::AsAbsl(row.fields[0]));
      if (terms != nullptr) terms->push_back(key);
      if (!keys.insert(key).second) {
        keys.insert(std::string("\x01") + std::string(name) + ":" +
                    std::to_string(row.line));
      }
    }
  }
  return keys;
}

// Byte -> its lower-case form when it belongs to a token, 0 for a separator.
// Tokens are runs of ASCII letters and digits; bytes >= 0x80 (UTF-8
// sequences) stay inside tokens so that "café" is one token.
struct TokenTable {
  unsigned char map[256];
  constexpr TokenTable() : map() {
    for (int c = 0; c < 256; ++c) {
      if (c >= 'A' && c <= 'Z') {
        map[c] = static_cast<unsigned char>(c | 0x20);
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c >= 0x80) {
        map[c] = static_cast<unsigned char>(c);
      }
    }
  }
};
constexpr TokenTable kTokenTable;

// The bare pass: split on separators, lower-case into a stack buffer, one
// hash lookup per token. Tokens longer than the buffer are not looked up.
size_t CeilingPass(std::string_view text,
                   const absl::flat_hash_set<std::string>& keys) {
  constexpr size_t kMaxToken = 64;
  char buf[kMaxToken];
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = p + text.size();
  size_t hits = 0;
  while (p < end) {
    while (p < end && kTokenTable.map[*p] == 0) ++p;  // Separators.
    size_t len = 0;
    for (unsigned char c; p < end && (c = kTokenTable.map[*p]) != 0; ++p) {
      buf[len & (kMaxToken - 1)] = static_cast<char>(c);
      ++len;
    }
    if (len != 0 && len <= kMaxToken) {
      hits +=
          keys.contains(scoring::internal::AsAbsl(std::string_view(buf, len)));
    }
  }
  return hits;
}

// --- benchmarks --------------------------------------------------------------

struct Env {
  std::unique_ptr<const Scorer> scorer;
  double scorer_rss_mb = 0;
  double scorer_heap_mb = 0;
  Corpus corpus;
  std::deque<std::string> store;  // Synthesised texts (stable addresses).
  std::deque<std::string> ids;
  std::vector<Workload> workloads;
  std::vector<Doc> latency_docs;
  absl::flat_hash_set<std::string> lexicon_keys;
  std::unique_ptr<const TightTable> tight;
  std::vector<AdversarialCase> adversarial;
};
Env* g_env = nullptr;

// Nominal cycles per second: the time-stamp counter's rate, which on this
// machine (constant_tsc) is the nominal clock. The VM exposes no hardware
// cycle counter (perf: cycles <not supported>), so cycles are estimated as
// thread CPU time x this rate.
double NominalHz() {
  static const double hz = [] {
#if defined(__x86_64__)
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c0 = __builtin_ia32_rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const uint64_t c1 = __builtin_ia32_rdtsc();
    const std::chrono::duration<double> dt =
        std::chrono::steady_clock::now() - t0;
    return static_cast<double>(c1 - c0) / dt.count();
#else
    return 0.0;  // Unknown: cycle counters report 0.
#endif
  }();
  return hz;
}

// Scoring cycles per byte on the corpus (the `all` workload), measured once
// on first use: `pass` = total CPU / total bytes of a whole pass, median of 3
// passes; `doc_median` = the median over documents of each one's own.
struct CorpusCycles {
  double pass = 0;
  double doc_median = 0;
};
const CorpusCycles& CorpusCyclesPerByte() {
  static const CorpusCycles cycles = [] {
    const Workload* all = nullptr;
    for (const Workload& w : g_env->workloads) {
      if (w.name == "all") all = &w;
    }
    const double hz = NominalHz();
    std::vector<double> passes, per_doc;
    per_doc.reserve(all->docs.size() * 3);
    for (int p = 0; p < 3; ++p) {
      double pass_cpu = 0;
      for (const Doc& d : all->docs) {
        const double start = ThreadCpuSeconds();
        std::vector<ScoredDocument> out = g_env->scorer->Score(d.input());
        benchmark::DoNotOptimize(out.data());
        const double cpu = ThreadCpuSeconds() - start;
        pass_cpu += cpu;
        if (d.bytes() > 0) per_doc.push_back(cpu * hz / d.bytes());
      }
      passes.push_back(pass_cpu * hz / all->bytes);
    }
    auto median = [](std::vector<double>& v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    return CorpusCycles{median(passes), median(per_doc)};
  }();
  return cycles;
}

// The tight ceiling of one workload: thread CPU MB/s of whole passes over
// its documents in the benchmark's (shuffled) order, median of `passes`.
// Thread CPU time leaves out time lost to other processes, whole passes read
// the text as cold as BM_ScoreCorpus does, and the median drops a pass that
// shared the core with a noisy neighbour.
double MeasureTight(const TightTable& table, const Workload& w, int passes) {
  std::vector<double> mb_s;
  size_t hits = 0;
  for (int p = 0; p < passes; ++p) {
    const double start = ThreadCpuSeconds();
    for (const Doc& d : w.docs)
      hits += table.Pass(d.title) + table.Pass(d.body);
    const double seconds = ThreadCpuSeconds() - start;
    mb_s.push_back(seconds > 0 ? w.bytes / 1048576.0 / seconds : 0);
  }
  benchmark::DoNotOptimize(hits);
  std::sort(mb_s.begin(), mb_s.end());
  return mb_s[mb_s.size() / 2];
}

// `reuse_scratch`: pass one Scorer::Scratch and one result vector to every
// call (as `tidings score` and the service do) instead of letting Score()
// make its working memory and result per call.
void BM_ScoreCorpus(benchmark::State& state, const Workload* w,
                    bool reuse_scratch) {
  const Scorer& scorer = *g_env->scorer;
  Scorer::Scratch scratch;
  std::vector<ScoredDocument> reused;
  const size_t n = w->docs.size();
  // Each thread walks the (shuffled) workload from its own offset.
  size_t i = static_cast<size_t>(state.thread_index()) * n / state.threads();
  uint64_t bytes = 0, found = 0;
  const uint64_t allocs_before = ThreadAllocations();
  const double cpu_before = ThreadCpuSeconds();
  for (auto _ : state) {
    const Doc& d = w->docs[i];
    if (reuse_scratch) {
      scorer.Score(d.input(), &scratch, &reused);
      benchmark::DoNotOptimize(reused.data());
      found += reused.size();
    } else {
      std::vector<ScoredDocument> out = scorer.Score(d.input());
      benchmark::DoNotOptimize(out.data());
      found += out.size();
    }
    bytes += d.bytes();
    if (++i == n) i = 0;
  }
  const double cpu_seconds = ThreadCpuSeconds() - cpu_before;
  const double allocs =
      static_cast<double>(ThreadAllocations() - allocs_before);
  const double docs = static_cast<double>(state.iterations());
  using benchmark::Counter;
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs_per_second"] = Counter(docs, Counter::kIsRate);
  state.counters["allocs_per_doc"] =
      Counter(docs > 0 ? allocs / docs : 0, Counter::kAvgThreads);
  state.counters["out_docs_per_doc"] =
      Counter(docs > 0 ? found / docs : 0, Counter::kAvgThreads);
  state.counters["cpu_MB_per_s"] =
      Counter(cpu_seconds > 0 ? bytes / 1048576.0 / cpu_seconds : 0,
              Counter::kAvgThreads);
  state.counters["scorer_rss_MB"] =
      Counter(g_env->scorer_rss_mb, Counter::kAvgThreads);
  // Per thread: each thread's CPU MB/s over the one-core ceiling.
  state.counters["ceiling_ratio"] =
      Counter(cpu_seconds > 0 && w->tight_mb_s > 0
                  ? bytes / 1048576.0 / cpu_seconds / w->tight_mb_s
                  : 0,
              Counter::kAvgThreads);
}

void BM_TightCeiling(benchmark::State& state, const Workload* w) {
  const TightTable& table = *g_env->tight;
  const size_t n = w->docs.size();
  size_t i = static_cast<size_t>(state.thread_index()) * n / state.threads();
  uint64_t bytes = 0;
  const double cpu_before = ThreadCpuSeconds();
  for (auto _ : state) {
    const Doc& d = w->docs[i];
    size_t hits = table.Pass(d.title) + table.Pass(d.body);
    benchmark::DoNotOptimize(hits);
    bytes += d.bytes();
    if (++i == n) i = 0;
  }
  const double cpu_seconds = ThreadCpuSeconds() - cpu_before;
  const double mb_s = cpu_seconds > 0 ? bytes / 1048576.0 / cpu_seconds : 0;
  using benchmark::Counter;
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["cpu_MB_per_s"] = Counter(mb_s, Counter::kAvgThreads);
  // This run over the startup measurement that ceiling_ratio divides by: far
  // from 1 means the machine changed speed between the two.
  state.counters["vs_startup"] = Counter(
      w->tight_mb_s > 0 ? mb_s / w->tight_mb_s : 0, Counter::kAvgThreads);
}

void BM_Ceiling(benchmark::State& state, const Workload* w) {
  const absl::flat_hash_set<std::string>& keys = g_env->lexicon_keys;
  const size_t n = w->docs.size();
  size_t i = static_cast<size_t>(state.thread_index()) * n / state.threads();
  uint64_t bytes = 0;
  const double cpu_before = ThreadCpuSeconds();
  for (auto _ : state) {
    const Doc& d = w->docs[i];
    size_t hits = CeilingPass(d.title, keys) + CeilingPass(d.body, keys);
    benchmark::DoNotOptimize(hits);
    bytes += d.bytes();
    if (++i == n) i = 0;
  }
  const double cpu_seconds = ThreadCpuSeconds() - cpu_before;
  using benchmark::Counter;
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs_per_second"] =
      Counter(static_cast<double>(state.iterations()), Counter::kIsRate);
  state.counters["cpu_MB_per_s"] =
      Counter(cpu_seconds > 0 ? bytes / 1048576.0 / cpu_seconds : 0,
              Counter::kAvgThreads);
  state.counters["lexicon_entries"] =
      Counter(static_cast<double>(keys.size()), Counter::kAvgThreads);
}

void BM_ScoreLatency5KB(benchmark::State& state) {
  const Scorer& scorer = *g_env->scorer;
  const std::vector<Doc>& docs = g_env->latency_docs;
  // Wall time per call (what a caller waits) and, beside it, this thread's
  // CPU time per call (the scorer's own cost, without time lost to other
  // processes on a shared machine).
  std::vector<double> wall_us, cpu_us;
  wall_us.reserve(static_cast<size_t>(state.max_iterations));
  cpu_us.reserve(static_cast<size_t>(state.max_iterations));
  size_t i = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    const Doc& d = docs[i];
    const double cpu_start = ThreadCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    std::vector<ScoredDocument> out = scorer.Score(d.input());
    benchmark::DoNotOptimize(out.data());
    const auto end = std::chrono::steady_clock::now();
    const double cpu_end = ThreadCpuSeconds();
    const std::chrono::duration<double> elapsed = end - start;
    state.SetIterationTime(elapsed.count());
    wall_us.push_back(elapsed.count() * 1e6);
    cpu_us.push_back((cpu_end - cpu_start) * 1e6);
    bytes += d.bytes();
    if (++i == docs.size()) i = 0;
  }
  if (wall_us.empty()) return;
  auto percentile = [](std::vector<double>& v, double p) {  // Nearest rank.
    std::sort(v.begin(), v.end());
    size_t rank = static_cast<size_t>(p * v.size() + 0.999999);
    return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
  };
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["p50_us"] = percentile(wall_us, 0.50);
  state.counters["p99_us"] = percentile(wall_us, 0.99);
  state.counters["p50_cpu_us"] = percentile(cpu_us, 0.50);
  state.counters["p99_cpu_us"] = percentile(cpu_us, 0.99);
  state.counters["article_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(wall_us.size());
}

// One generated worst case per iteration (bench/adversarial.h).
void BM_Adversarial(benchmark::State& state, const AdversarialCase* c) {
  const CorpusCycles& corpus = CorpusCyclesPerByte();
  const Scorer& scorer = *g_env->scorer;
  const ScoreInput input{
      .title = {}, .body = c->text, .kind = ContentKind::kAuto};
  size_t found = 0;
  const double cpu_before = ThreadCpuSeconds();
  for (auto _ : state) {
    std::vector<ScoredDocument> out = scorer.Score(input);
    benchmark::DoNotOptimize(out.data());
    found = out.size();
  }
  const double cpu_seconds = ThreadCpuSeconds() - cpu_before;
  const double bytes = static_cast<double>(c->text.size()) *
                       static_cast<double>(state.iterations());
  const double cpb = bytes > 0 ? cpu_seconds * NominalHz() / bytes : 0;
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["input_bytes"] = static_cast<double>(c->text.size());
  state.counters["out_docs"] = static_cast<double>(found);
  state.counters["cycles_per_byte"] = cpb;
  state.counters["corpus_cpb"] = corpus.pass;
  state.counters["x_corpus"] = corpus.pass > 0 ? cpb / corpus.pass : 0;
  state.counters["corpus_doc_median_cpb"] = corpus.doc_median;
  state.counters["x_doc_median"] =
      corpus.doc_median > 0 ? cpb / corpus.doc_median : 0;
}

// --- main
// ---------------------------------------------------------------------

struct Flags {
  bool update_reference = false;
  std::string reference;  // Empty: bench/data/reference_<corpus>.tsv.
};

// Takes our own flags out of argv before Google Benchmark sees it.
Flags ParseOwnFlags(int* argc, char** argv) {
  Flags flags;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--update_reference") {
      flags.update_reference = true;
    } else if (arg.starts_with("--reference=")) {
      flags.reference = std::string(arg.substr(12));
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  return flags;
}

int Main(int argc, char** argv) {
  Flags flags = ParseOwnFlags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  static Env env;  // Lives until exit; benchmarks hold pointers into it.
  g_env = &env;

  // The scorer first, on a fresh heap, so the RSS delta is the scorer's own.
  const double rss_before = ResidentMB(), heap_before = HeapMB();
  absl::StatusOr<std::unique_ptr<const Scorer>> scorer =
      Scorer::Create(scoring::ScorerOptions());
  if (!scorer.ok())
    Die("Scorer::Create: " + std::string(scorer.status().message()));
  env.scorer = *std::move(scorer);
  env.scorer_rss_mb = ResidentMB() - rss_before;
  env.scorer_heap_mb = HeapMB() - heap_before;

  const char* corpus_env = std::getenv("TIDINGS_CORPUS");
  const std::string corpus_path =
      corpus_env != nullptr && *corpus_env != '\0'
          ? std::string(corpus_env)
          : std::string(TIDINGS_BENCH_DATA_DIR) + "/fixture_corpus.jsonl";
  env.corpus = LoadCorpus(corpus_path);

  std::vector<Doc> headlines, articles, all;
  for (const Item& item : env.corpus.items) {
    Doc d{item.id, item.title, item.body};
    all.push_back(d);
    if (IsHeadline(item)) {
      headlines.push_back(Doc{item.id, item.title, std::string_view()});
    } else if (!item.body.empty() && d.bytes() < kArticleMaxBytes) {
      articles.push_back(d);
    }
  }
  std::vector<Doc> pages = MakePages(env.corpus, &env.store, &env.ids);
  std::vector<Doc> sample = ReferenceSample(env.corpus, pages);
  env.workloads.reserve(4);
  env.workloads.push_back(MakeWorkload("headlines", std::move(headlines)));
  env.workloads.push_back(MakeWorkload("articles", std::move(articles)));
  env.workloads.push_back(MakeWorkload("pages", std::move(pages)));
  env.workloads.push_back(MakeWorkload("all", std::move(all)));
  env.latency_docs = MakeLatencyDocs(env.corpus, &env.store);
  std::vector<std::string> terms;
  env.lexicon_keys = LexiconKeys(&terms);
  env.tight = std::make_unique<const TightTable>(terms);
  {
    std::vector<std::string_view> bodies, titles;
    for (const Item& item : env.corpus.items) {
      if (!IsHeadline(item) && item.body.size() >= 200)
        bodies.push_back(item.body);
      if (!item.title.empty()) titles.push_back(item.title);
    }
    if (bodies.empty() || titles.empty()) Die("no text for the worst cases");
    env.adversarial = MakeAdversarialCases(bodies, titles);
  }

  // Check before timing: the sample, scored on two threads at once (the
  // scorer is shared read-only), must agree with itself and the reference.
  const std::string ref_path =
      !flags.reference.empty() ? flags.reference
                               : std::string(TIDINGS_BENCH_DATA_DIR) +
                                     "/reference_" + env.corpus.name + ".tsv";
  RefMap other;
  std::thread second([&] { other = ScoreSample(*env.scorer, sample); });
  RefMap got = ScoreSample(*env.scorer, sample);
  second.join();
  if (got != other) {
    Die("the scorer gave different output for the same sample on two "
        "concurrent threads: it is not safe to share (hidden mutable state?)");
  }
  if (flags.update_reference) {
    WriteReference(ref_path, env.corpus, *env.scorer, got);
    std::printf(
        "wrote %zu rows to %s\nRegenerating is a reviewed change: check the "
        "diff (git diff bench/data) before it is committed.\n",
        got.size(), ref_path.c_str());
    return 0;
  }
  const std::string ref_status =
      CheckReference(ref_path, env.corpus, *env.scorer, got);

#ifdef NDEBUG
  benchmark::AddCustomContext("tidings_build", "release (NDEBUG)");
#else
  std::fprintf(stderr,
               "scoring_bench: WARNING: built without NDEBUG; numbers are not "
               "comparable (use -DCMAKE_BUILD_TYPE=Release)\n");
  benchmark::AddCustomContext("tidings_build",
                              "DEBUG (numbers not comparable)");
#endif
  benchmark::AddCustomContext("corpus", env.corpus.path);
  benchmark::AddCustomContext(
      "corpus_items", std::to_string(env.corpus.items.size()) + " items, " +
                          FormatMB(env.corpus.file_bytes / 1048576.0) +
                          " MB file");
  for (const Workload& w : env.workloads) {
    benchmark::AddCustomContext("workload_" + w.name,
                                std::to_string(w.docs.size()) + " docs, " +
                                    FormatMB(w.bytes / 1048576.0) + " MB");
  }
  benchmark::AddCustomContext(
      "latency_articles", std::to_string(env.latency_docs.size()) + " docs");
  benchmark::AddCustomContext("scorer_version", env.scorer->version());
  benchmark::AddCustomContext("scorer_rss_MB", FormatMB(env.scorer_rss_mb));
  benchmark::AddCustomContext("scorer_heap_MB", FormatMB(env.scorer_heap_mb));
  benchmark::AddCustomContext("lexicon_entries",
                              std::to_string(env.lexicon_keys.size()));
  benchmark::AddCustomContext("reference_check", ref_status);
  benchmark::AddCustomContext("nominal_MHz", FormatMB(NominalHz() / 1e6));
  for (Workload& w : env.workloads) {
    w.tight_mb_s = MeasureTight(*env.tight, w, kTightPasses);
    benchmark::AddCustomContext("tight_ceiling_" + w.name,
                                FormatMB(w.tight_mb_s) +
                                    " CPU MB/s (median of " +
                                    std::to_string(kTightPasses) + " passes)");
  }

  for (const Workload& w : env.workloads) {
    benchmark::RegisterBenchmark(("BM_ScoreCorpus/" + w.name).c_str(),
                                 BM_ScoreCorpus, &w, false)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2);
  }
  for (const Workload& w : env.workloads) {
    benchmark::RegisterBenchmark(("BM_Ceiling/" + w.name).c_str(), BM_Ceiling,
                                 &w)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2);
  }
  for (const Workload& w : env.workloads) {
    benchmark::RegisterBenchmark(("BM_ScoreCorpusScratch/" + w.name).c_str(),
                                 BM_ScoreCorpus, &w, true)
        ->UseRealTime()
        ->Threads(1);
  }
  for (const Workload& w : env.workloads) {
    benchmark::RegisterBenchmark(("BM_TightCeiling/" + w.name).c_str(),
                                 BM_TightCeiling, &w)
        ->UseRealTime()
        ->Threads(1);
  }
  benchmark::RegisterBenchmark("BM_ScoreLatency5KB", BM_ScoreLatency5KB)
      ->UseManualTime();
  for (const AdversarialCase& c : env.adversarial) {
    benchmark::RegisterBenchmark(("BM_Adversarial/" + c.name).c_str(),
                                 BM_Adversarial, &c)
        ->Unit(benchmark::kMillisecond);
  }

  benchmark::RunSpecifiedBenchmarks();
  // The ceiling again after everything ran: a large drift from the startup
  // figure means the machine's speed changed during the run.
  for (const Workload& w : env.workloads) {
    const double end_mb_s = MeasureTight(*env.tight, w, kTightPasses);
    std::fprintf(stderr,
                 "tight ceiling %-9s startup %7.1f  end %7.1f CPU MB/s "
                 "(drift %+.0f%%)\n",
                 w.name.c_str(), w.tight_mb_s, end_mb_s,
                 w.tight_mb_s > 0 ? 100 * (end_mb_s / w.tight_mb_s - 1) : 0);
  }
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace tidings::bench

int main(int argc, char** argv) { return tidings::bench::Main(argc, argv); }
