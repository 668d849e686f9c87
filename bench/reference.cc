// Copyright 2026 The Tidings Authors.

#include "bench/reference.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include "scoring/types.h"

namespace tidings::bench {

using scoring::ScoredDocument;
using scoring::Scorer;

namespace {

constexpr size_t kSampleItems = 200;  // reference sample: corpus items
constexpr size_t kSamplePages = 20;   //   ... and synthesised pages

// Per document: the sentiment label, then each event as type:direction,
// sorted, with a trailing '~' when its relevance is below
// kDefaultMinRelevance (found but not reported by default). Documents of one
// item are joined by " | ".
std::string DigestDocs(const std::vector<ScoredDocument>& docs) {
  std::string out;
  for (const ScoredDocument& doc : docs) {
    if (!out.empty()) out += " | ";
    out += scoring::Name(doc.sentiment.label);
    std::vector<std::string> events;
    for (const scoring::Event& e : doc.events) {
      std::string s(scoring::Name(e.type));
      s += ':';
      s += scoring::Name(e.direction);
      if (e.relevance < scoring::kDefaultMinRelevance) s += "~";
      events.push_back(std::move(s));
    }
    std::sort(events.begin(), events.end());
    for (const std::string& e : events) out += " " + e;
  }
  return out.empty() ? "-" : out;
}

std::string CorpusLine(const Corpus& c) {
  char digest[20];
  std::snprintf(digest, sizeof(digest), "%016llx",
                static_cast<unsigned long long>(c.digest));
  return "# corpus\t" + c.name + "\tfnv1a64=" + digest +
         "\titems=" + std::to_string(c.items.size());
}

std::string RegenerateHint(const Corpus& corpus, const std::string& path) {
  return "If the change is intended (lexicons or rules changed on purpose), "
         "regenerate the reference and have the diff reviewed:\n"
         "  TIDINGS_CORPUS=" +
         corpus.path +
         " build/bench/scoring_bench --update_reference\n"
         "(writes " +
         path + ")";
}

}  // namespace

std::vector<Doc> ReferenceSample(const Corpus& corpus,
                                 const std::vector<Doc>& pages) {
  std::vector<const Item*> sorted;
  for (const Item& item : corpus.items) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [](const Item* a, const Item* b) { return a->id < b->id; });
  std::vector<Doc> sample;
  const size_t n = std::min(kSampleItems, sorted.size());
  for (size_t k = 0; k < n; ++k) {
    const Item& item = *sorted[k * sorted.size() / n];
    sample.push_back(Doc{item.id, item.title, item.body});
  }
  std::vector<Doc> ordered_pages = pages;
  std::sort(ordered_pages.begin(), ordered_pages.end(),
            [](const Doc& a, const Doc& b) { return a.id < b.id; });
  for (size_t k = 0; k < std::min(kSamplePages, ordered_pages.size()); ++k) {
    sample.push_back(ordered_pages[k]);
  }
  return sample;
}

RefMap ScoreSample(const Scorer& scorer, const std::vector<Doc>& sample) {
  RefMap out;
  for (const Doc& d : sample) {
    std::vector<ScoredDocument> docs = scorer.Score(d.input());
    out[std::string(d.id)] = RefRow{docs.size(), DigestDocs(docs)};
  }
  return out;
}

void WriteReference(const std::string& path, const Corpus& corpus,
                    const Scorer& scorer, const RefMap& rows) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) Die("cannot write " + path);
  out << "# scoring_bench reference: a digest of the scorer's output on a "
         "fixed\n"
         "# sample (ids and labels only, no text). scoring_bench compares it\n"
         "# before it times anything and refuses to run on a difference.\n"
         "# Regenerating is a reviewed change, made when lexicons or rules "
         "change\n"
         "# on purpose; look at the diff before committing it:\n"
         "#   TIDINGS_CORPUS=<corpus.jsonl> build/bench/scoring_bench "
         "--update_reference\n"
         "# Columns: id, documents found, per document (\" | \" between "
         "them):\n"
         "# sentiment label then events type:direction, '~' = relevance below\n"
         "# kDefaultMinRelevance.\n"
      << CorpusLine(corpus) << "\n"
      << "# scorer\t" << scorer.version() << "\n";
  for (const auto& [id, row] : rows) {
    out << id << '\t' << row.docs << '\t' << row.digest << '\n';
  }
  if (!out.flush()) Die("error writing " + path);
}

std::string CheckReference(const std::string& path, const Corpus& corpus,
                           const Scorer& scorer, const RefMap& got) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Die("no reference file " + path + " for corpus '" + corpus.name +
        "'; nothing is timed without one.\n" + RegenerateHint(corpus, path));
  }
  RefMap want;
  std::string line, ref_corpus, ref_scorer;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.starts_with("# corpus\t")) ref_corpus = line;
    if (line.starts_with("# scorer\t")) ref_scorer = line.substr(9);
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      Die(path + ":" + std::to_string(line_no) +
          ": expected id<TAB>docs<TAB>digest");
    }
    const std::string count = line.substr(t1 + 1, t2 - t1 - 1);
    char* count_end = nullptr;
    const unsigned long docs = std::strtoul(count.c_str(), &count_end, 10);
    if (count.empty() || *count_end != '\0') {
      Die(path + ":" + std::to_string(line_no) + ": bad document count '" +
          count + "'");
    }
    want[line.substr(0, t1)] = RefRow{docs, line.substr(t2 + 1)};
  }
  if (ref_corpus != CorpusLine(corpus)) {
    Die(path + " was made for another corpus:\n  reference: " + ref_corpus +
        "\n  this run:  " + CorpusLine(corpus) + "\n" +
        RegenerateHint(corpus, path));
  }
  std::vector<std::string> diffs;
  size_t n_diffs = 0;
  auto note = [&](std::string s) {
    if (++n_diffs <= 10) diffs.push_back(std::move(s));
  };
  for (const auto& [id, row] : want) {
    auto it = got.find(id);
    if (it == got.end()) {
      note(id + ": in the reference, not in this run's sample");
    } else if (!(it->second == row)) {
      note(id + ":\n      reference: " + std::to_string(row.docs) + " docs  " +
           row.digest + "\n      this run:  " +
           std::to_string(it->second.docs) + " docs  " + it->second.digest);
    }
  }
  for (const auto& [id, row] : got) {
    if (!want.contains(id))
      note(id + ": in this run's sample, not in the reference");
  }
  if (n_diffs != 0) {
    std::string msg = "scorer output differs from " + path + " on " +
                      std::to_string(n_diffs) + " of " +
                      std::to_string(got.size()) +
                      " sample items; nothing was timed.\n";
    if (ref_scorer != scorer.version()) {
      msg += "  (reference scorer " + ref_scorer + ", this scorer " +
             scorer.version() + ")\n";
    }
    msg += "First differences:\n";
    for (const std::string& d : diffs) msg += "  " + d + "\n";
    Die(msg + RegenerateHint(corpus, path));
  }
  return "ok, " + std::to_string(got.size()) + " items match " +
         std::filesystem::path(path).filename().string();
}

}  // namespace tidings::bench
