// Copyright 2026 The Tidings Authors.
//
// RecentSignals (service/internal/recent_signals.h): the in-memory window of
// the newest signals that caught-up subscribers are served from.

#include "service/internal/recent_signals.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tidings::testing {
namespace {

using service::internal::RecentSignal;
using service::internal::RecentSignals;

constexpr double kMin = 0.4;

v1::Signal MakeSignal(uint64_t seq, double relevance = 0.9) {
  v1::Signal s;
  s.set_seq(seq);
  s.set_title("Gold rises " + std::to_string(seq));
  v1::Event* e = s.add_events();
  e->set_type(v1::GOLD_PRICE_MOVE);
  e->set_relevance(relevance);
  return s;
}

std::vector<v1::Signal> Range(uint64_t first, uint64_t last) {
  std::vector<v1::Signal> out;
  for (uint64_t seq = first; seq <= last; ++seq) out.push_back(MakeSignal(seq));
  return out;
}

std::vector<uint64_t> Seqs(const std::vector<RecentSignal>& got) {
  std::vector<uint64_t> seqs;
  for (const RecentSignal& r : got) seqs.push_back(r.seq);
  return seqs;
}

TEST(RecentSignalsTest, ReadsARangeInSeqOrderWithinMax) {
  RecentSignals recent(100, 1 << 20, kMin);
  recent.Add(Range(1, 10));
  std::vector<RecentSignal> got;
  ASSERT_TRUE(recent.Read(3, 8, 100, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(4, 5, 6, 7, 8));
  got.clear();
  ASSERT_TRUE(recent.Read(0, 10, 3, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(1, 2, 3));
  got.clear();
  // Asked beyond what is held: up to the newest held.
  ASSERT_TRUE(recent.Read(8, 20, 100, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(9, 10));
}

TEST(RecentSignalsTest, SaysSoWhenTheStartIsNotHeld) {
  RecentSignals recent(4, 1 << 20, kMin);
  std::vector<RecentSignal> got;
  EXPECT_FALSE(recent.Read(0, 5, 10, &got));    // Empty.
  recent.Add(Range(1, 10));                     // Keeps 7..10.
  EXPECT_FALSE(recent.Read(5, 10, 10, &got));   // Seq 6 fell out.
  EXPECT_FALSE(recent.Read(10, 12, 10, &got));  // Seq 11 not committed.
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(recent.Read(6, 10, 10, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(7, 8, 9, 10));
}

TEST(RecentSignalsTest, AGapDropsWhatWasHeld) {
  RecentSignals recent(100, 1 << 20, kMin);
  recent.Add(Range(1, 5));
  recent.Add(Range(8, 9));  // 6 and 7 never came through here.
  std::vector<RecentSignal> got;
  EXPECT_FALSE(recent.Read(4, 9, 10, &got));
  EXPECT_TRUE(recent.Read(7, 9, 10, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(8, 9));
}

TEST(RecentSignalsTest, IsBoundedInBytesButKeepsTheNewest) {
  RecentSignals recent(1000, /*max_bytes=*/1, kMin);
  recent.Add(Range(1, 5));
  std::vector<RecentSignal> got;
  EXPECT_FALSE(recent.Read(3, 5, 10, &got));
  EXPECT_TRUE(recent.Read(4, 5, 10, &got));
  EXPECT_THAT(Seqs(got), ::testing::ElementsAre(5));
}

TEST(RecentSignalsTest, TheViewDropsWeakEventsAndTheEventIsItsBytes) {
  RecentSignals recent(10, 1 << 20, kMin);
  std::vector<v1::Signal> signals = {MakeSignal(1)};
  v1::Event* weak = signals[0].add_events();
  weak->set_type(v1::TARIFF);
  weak->set_relevance(kMin / 2);
  recent.Add(signals);
  std::vector<RecentSignal> got;
  ASSERT_TRUE(recent.Read(0, 1, 10, &got));
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].view->events_size(), 1);
  EXPECT_EQ(got[0].view->events(0).type(), v1::GOLD_PRICE_MOVE);
  v1::SubscribeEvent event;
  ASSERT_TRUE(event.ParseFromArray(got[0].event.begin(),
                                   static_cast<int>(got[0].event.size())));
  ASSERT_TRUE(event.has_signal());
  EXPECT_EQ(event.signal().SerializeAsString(),
            got[0].view->SerializeAsString());
}

TEST(RecentSignalsTest, TheCompactEventHasNoText) {
  RecentSignals recent(10, 1 << 20, kMin);
  std::vector<v1::Signal> signals = {MakeSignal(1)};
  signals[0].set_body("Gold rose 2% on Monday.");
  signals[0].mutable_events(0)->add_evidence()->set_text("Gold rose 2%");
  recent.Add(signals);
  std::vector<RecentSignal> got;
  ASSERT_TRUE(recent.Read(0, 1, 10, &got));
  ASSERT_EQ(got.size(), 1u);
  v1::SubscribeEvent event;
  ASSERT_TRUE(
      event.ParseFromArray(got[0].compact_event.begin(),
                           static_cast<int>(got[0].compact_event.size())));
  EXPECT_EQ(event.signal().body(), "");
  ASSERT_EQ(event.signal().events_size(), 1);
  EXPECT_EQ(event.signal().events(0).evidence_size(), 0);
  EXPECT_EQ(event.signal().title(), got[0].view->title());
  EXPECT_LT(got[0].compact_event.size(), got[0].event.size());
  EXPECT_EQ(got[0].view->body(), "Gold rose 2% on Monday.");  // Untouched.
}

}  // namespace
}  // namespace tidings::testing
