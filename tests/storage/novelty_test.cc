// Copyright 2026 The Tidings Authors.
//
// Issue 10, item 4: novelty counts. Every stored signal's event, entity and
// near-duplicate counts equal a brute-force recount over the signals stored
// before it, across batches, a reopen (the counter is rebuilt from the
// summaries) and a trim; duplicate_of_seq keeps its meaning.

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/fingerprint.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using testing::IsOk;
using testing::MakeArticle;
using testing::StoreDirTest;
using tidings::v1::Signal;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
constexpr int64_t kHour = int64_t{3600} * 1000000;
constexpr int64_t kWindows[4] = {12 * kHour, 24 * kHour, 72 * kHour,
                                 168 * kHour};

// What the brute force needs of a stored signal.
struct Stored {
  uint64_t seq;
  int64_t micros;
  std::set<std::string> keys;  // "e:<type>" and "n:<id>".
  uint64_t fingerprint;
};

std::set<std::string> KeysOf(const Signal& s) {
  std::set<std::string> keys;
  for (const v1::Event& e : s.events()) {
    keys.insert("e:" + std::to_string(e.type()));
    for (const std::string& actor : e.actors()) keys.insert("n:" + actor);
  }
  for (const v1::Entity& e : s.entities()) keys.insert("n:" + e.id());
  return keys;
}

std::vector<uint32_t> Counts(const v1::Novelty& n) {
  return {n.last_12h(), n.last_24h(), n.last_3d(), n.last_7d()};
}

// Earlier signals (all of `history`) matching `match`, by window ending at
// `now`.
template <typename Match>
std::vector<uint32_t> Recount(const std::vector<Stored>& history, int64_t now,
                              Match match) {
  std::vector<uint32_t> counts(4, 0);
  for (const Stored& h : history) {
    if (!match(h)) continue;
    for (int w = 0; w < 4; ++w) {
      if (h.micros >= now - kWindows[w] && h.micros <= now) ++counts[w];
    }
  }
  return counts;
}

class NoveltyTest : public StoreDirTest {
 protected:
  // A signal with random events, entities, actors and fingerprint (near
  // one of a few bases, or none).
  Signal RandomSignal(const std::string& id, uint32_t doc_index) {
    static const v1::EventType kTypes[] = {v1::TARIFF, v1::SANCTIONS,
                                           v1::GEOPOLITICAL_TENSION,
                                           v1::GOLD_PRICE_MOVE};
    static const char* kIds[] = {"country:US", "country:CN", "country:RU",
                                 "person:trump", "commodity:gold"};
    Signal s = testing::MakeSignal(id, doc_index);
    for (v1::EventType type : kTypes) {
      if (rng_() % 3 != 0) continue;
      v1::Event* e = s.add_events();
      e->set_type(type);
      e->set_relevance((rng_() % 100) / 100.0);
      if (rng_() % 4 == 0) e->add_actors(kIds[rng_() % 5]);
    }
    for (const char* entity : kIds) {
      if (rng_() % 3 == 0) s.add_entities()->set_id(entity);
    }
    static const uint64_t kBases[] = {
        0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x5555aaaa5555aaaaULL};
    if (rng_() % 6 != 0) {
      uint64_t fp = kBases[rng_() % 3];
      for (int flips = rng_() % 6; flips > 0; --flips) {
        fp ^= uint64_t{1} << (rng_() % 64);
      }
      s.set_fingerprint(fp);
    }
    return s;
  }

  // Checks every stored signal of `results` against `history` (the signals
  // stored before it), adding it to `history` as it goes.
  void CheckAndRecord(const std::vector<AppendResult>& results) {
    for (const AppendResult& r : results) {
      for (const Signal& s : r.stored) {
        const int64_t now = absl::ToUnixMicros(absl::FromUnixSeconds(
                                s.ingested_at().seconds())) +
                            s.ingested_at().nanos() / 1000;
        for (const v1::Event& e : s.events()) {
          const std::string key = "e:" + std::to_string(e.type());
          EXPECT_EQ(Counts(e.novelty()),
                    Recount(history_, now,
                            [&](const Stored& h) { return h.keys.count(key); }))
              << "seq " << s.seq() << " event " << e.type();
        }
        for (const v1::Entity& e : s.entities()) {
          const std::string key = "n:" + e.id();
          EXPECT_EQ(Counts(e.novelty()),
                    Recount(history_, now,
                            [&](const Stored& h) { return h.keys.count(key); }))
              << "seq " << s.seq() << " entity " << e.id();
        }
        auto near = [&](const Stored& h) {
          return h.fingerprint != 0 &&
                 scoring::HammingDistance(h.fingerprint, s.fingerprint()) <=
                     scoring::kNearDuplicateBits;
        };
        if (s.fingerprint() == 0) {
          EXPECT_FALSE(s.has_near_duplicates()) << "seq " << s.seq();
          EXPECT_EQ(s.duplicate_of_seq(), 0u);
        } else {
          EXPECT_EQ(Counts(s.near_duplicates()), Recount(history_, now, near))
              << "seq " << s.seq();
          uint64_t newest = 0;  // Within the 72 h duplicate window.
          for (const Stored& h : history_) {
            if (near(h) && h.micros >= now - 72 * kHour) newest = h.seq;
          }
          EXPECT_EQ(s.duplicate_of_seq(), newest) << "seq " << s.seq();
        }
        history_.push_back({s.seq(), now, KeysOf(s), s.fingerprint()});
        stored_[s.seq()] = s;
      }
    }
  }

  std::mt19937_64 rng_{20261206};
  std::vector<Stored> history_;
  std::map<uint64_t, Signal> stored_;
};

TEST_F(NoveltyTest, CountsEqualABruteForceRecountAcrossReopenAndTrim) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  absl::Time now = kT0;
  int article = 0;
  bool trimmed = false;
  for (int b = 0; b < 240; ++b) {
    if (b == 120) {  // The counter is rebuilt from the summaries.
      store.reset();
      store = Open(options_.path);
      ASSERT_NE(store, nullptr);
    }
    if (b == 180) {  // Drop the first 2 days of signals.
      const absl::Time cutoff = kT0 + absl::Hours(48);
      ASSERT_THAT(store->TrimBefore(cutoff), IsOk());
      const int64_t cut = absl::ToUnixMicros(cutoff);
      history_.erase(
          std::remove_if(history_.begin(), history_.end(),
                         [&](const Stored& h) { return h.micros < cut; }),
          history_.end());
      trimmed = true;
    }
    // Steps of 0 to 4 h: several batches share a time, windows fill and
    // empty over the 240 batches (~20 days).
    now += absl::Minutes(static_cast<int>(rng_() % 5) * 60);
    std::vector<PendingArticle> batch;
    for (int n = 1 + rng_() % 4; n > 0; --n, ++article) {
      PendingArticle pending = MakeArticle("a" + std::to_string(article), 0);
      for (uint32_t d = 0; d < 1 + rng_() % 2; ++d) {
        pending.signals.push_back(
            RandomSignal("a" + std::to_string(article), d));
      }
      batch.push_back(std::move(pending));
    }
    absl::StatusOr<std::vector<AppendResult>> results =
        store->Append(std::move(batch), now);
    ASSERT_THAT(results, IsOk());
    CheckAndRecord(*results);
    if (HasFailure()) return;
  }
  EXPECT_TRUE(trimmed);
  // What Append() returned is what was stored.
  absl::Status s =
      store->Scan(store->first_seq() - 1, 0, [&](const Signal& signal) {
        EXPECT_EQ(signal.SerializeAsString(),
                  stored_[signal.seq()].SerializeAsString());
        return true;
      });
  EXPECT_THAT(s, IsOk());
  // The windows saw real counts (the test is not comparing zeros).
  uint32_t most = 0;
  for (const auto& [seq, signal] : stored_) {
    for (const v1::Event& e : signal.events()) {
      most = std::max(most, e.novelty().last_7d());
    }
  }
  EXPECT_GT(most, 50u);
}

TEST_F(NoveltyTest, DuplicateWindowOffStillCountsNearDuplicates) {
  options_.duplicate_window = absl::ZeroDuration();
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 3; ++i) {
    PendingArticle pending = testing::MakeArticleWith(
        "d" + std::to_string(i), 0x0123456789abcdefULL ^ (uint64_t{1} << i),
        {v1::TARIFF});
    auto results =
        store->Append({std::move(pending)}, kT0 + absl::Hours(20 * i));
    ASSERT_THAT(results, IsOk());
    const Signal& s = (*results)[0].stored[0];
    EXPECT_EQ(s.duplicate_of_seq(), 0u);
    // i earlier near-duplicates, 20 h apart.
    const uint32_t n = static_cast<uint32_t>(i);
    EXPECT_EQ(Counts(s.near_duplicates()),
              (std::vector<uint32_t>{0, std::min(n, 1u), n, n}));
    EXPECT_EQ(s.events(0).novelty().last_3d(), static_cast<uint32_t>(i));
  }
}

TEST_F(NoveltyTest, RevisionsAreNeitherStampedNorCounted) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  const uint64_t fp = 0x0123456789abcdefULL;
  auto original =
      store->Append({testing::MakeArticleWith("o", fp, {v1::TARIFF})}, kT0);
  ASSERT_THAT(original, IsOk());
  // A rescore of it, as the Rescore RPC appends one.
  PendingArticle revision = MakeArticle("o", 0);
  revision.idempotency_key = "rescore:v2|id:o";
  revision.revision = true;
  Signal signal = testing::MakeSignal("o", 0, fp, {v1::TARIFF});
  signal.set_scorer_version("v2");
  signal.set_rescore_of_seq((*original)[0].seqs[0]);
  revision.signals.push_back(signal);
  auto revised = store->Append({std::move(revision)}, kT0 + absl::Hours(1));
  ASSERT_THAT(revised, IsOk());
  const Signal& r = (*revised)[0].stored[0];
  EXPECT_FALSE(r.has_near_duplicates());
  EXPECT_FALSE(r.events(0).has_novelty());
  // The next story counts the original only, before and after a reopen.
  for (int reopen = 0; reopen < 2; ++reopen) {
    if (reopen == 1) {
      store.reset();
      store = Open(options_.path);
      ASSERT_NE(store, nullptr);
    }
    auto next =
        store->Append({testing::MakeArticleWith("n" + std::to_string(reopen),
                                                fp ^ 1, {v1::TARIFF})},
                      kT0 + absl::Hours(2));
    ASSERT_THAT(next, IsOk());
    const Signal& n = (*next)[0].stored[0];
    EXPECT_EQ(n.events(0).novelty().last_12h(), 1u + reopen);
    EXPECT_EQ(n.near_duplicates().last_12h(), 1u + reopen);
  }
}

}  // namespace
}  // namespace tidings::storage
