// Copyright 2026 The Tidings Authors.
//
// A held-out check of the event detectors: the sentences of
// tests/fixtures/event_senses.tsv (written for this project: positives and
// hard negatives of every sense of tariff, sanction, war and gold), scored
// through the public Scorer as plain text. Prints precision, recall and F1
// per event type and the gold direction accuracy, and fails when one falls
// below its floor. Sentence-level expectations live in events_test.cc and
// gold_test.cc; this file measures how the rules generalise.

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"

namespace tidings::scoring {
namespace {

struct Row {
  std::string gold;  // "none", "up", "down", "flat".
  bool tariff = false, sanction = false, geopolitical = false;
  std::string text;
};

std::vector<Row> ReadRows() {
  std::ifstream in(std::string(TIDINGS_FIXTURES_DIR) + "/event_senses.tsv");
  std::vector<Row> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // gold, tariff, sanction, geopolitical, text
      header = false;
      continue;
    }
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() != 5) {
      ADD_FAILURE() << "bad fixture line: " << line;
      continue;
    }
    rows.push_back({f[0], f[1] == "1", f[2] == "1", f[3] == "1", f[4]});
  }
  return rows;
}

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  void Add(bool truth, bool predicted) {
    tp += truth && predicted;
    fp += !truth && predicted;
    fn += truth && !predicted;
  }
  double Precision() const { return tp + fp == 0 ? 1 : double(tp) / (tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1 : double(tp) / (tp + fn); }
  double F1() const {
    double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

TEST(EventSensesTest, HeldOutSentences) {
  const std::vector<Row> rows = ReadRows();
  ASSERT_GE(rows.size(), 400u);
  auto scorer = Scorer::Create(ScorerOptions());
  ASSERT_TRUE(scorer.ok()) << scorer.status();

  Counts gold, tariff, sanction, geo;
  int moved = 0, direction_right = 0;
  for (const Row& row : rows) {
    std::vector<ScoredDocument> docs = (*scorer)->Score(
        {.title = "", .body = row.text, .kind = ContentKind::kPlainText});
    bool t = false, s = false, g = false;
    std::string dir = "none";
    for (const Event& e :
         docs.empty() ? std::vector<Event>() : docs[0].events) {
      if (e.relevance < kDefaultMinRelevance) continue;
      t |= e.type == EventType::kTariff;
      s |= e.type == EventType::kSanctions;
      g |= e.type == EventType::kGeopoliticalTension;
      if (e.type == EventType::kGoldPriceMove &&
          e.direction != Direction::kUnspecified) {
        dir = Name(e.direction);
      }
    }
    gold.Add(row.gold != "none", dir != "none");
    tariff.Add(row.tariff, t);
    sanction.Add(row.sanction, s);
    geo.Add(row.geopolitical, g);
    if (row.gold != "none" && dir != "none") {
      ++moved;
      direction_right += row.gold == dir;
    }
  }
  struct Line {
    const char* name;
    const Counts& counts;
    double min_f1;  // A little below the measured value: a floor, not a goal.
  };
  const Line lines[] = {{"gold move", gold, 0.95},
                        {"tariff", tariff, 0.95},
                        {"sanctions", sanction, 0.95},
                        {"geopolitical", geo, 0.93}};
  for (const Line& l : lines) {
    std::printf(
        "%-13s precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d)\n",
        l.name, l.counts.Precision(), l.counts.Recall(), l.counts.F1(),
        l.counts.tp, l.counts.fp, l.counts.fn);
    EXPECT_GE(l.counts.F1(), l.min_f1) << l.name;
  }
  const double accuracy = moved == 0 ? 0 : double(direction_right) / moved;
  std::printf("gold direction accuracy %.3f (%d of %d)\n", accuracy,
              direction_right, moved);
  EXPECT_GE(accuracy, 0.93);
}

}  // namespace
}  // namespace tidings::scoring
