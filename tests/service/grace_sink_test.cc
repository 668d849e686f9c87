// Copyright 2026 The Tidings Authors.
//
// GraceSink (grace_sink.h): at the end of the shutdown grace, the batches
// still waiting are answered with the given error, and late answers of the
// inner sink are dropped.

#include "service/internal/grace_sink.h"

#include <optional>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace tidings::service::internal {
namespace {

// Keeps every batch's callback; answers only when told.
class HeldSink final : public IngestSink {
 public:
  void Submit(std::vector<storage::PendingArticle> batch, Done done) override {
    held.emplace_back(batch.size(), std::move(done));
  }
  std::vector<std::pair<size_t, Done>> held;
};

struct Answer {
  absl::StatusOr<std::vector<storage::AppendResult>> results;
  uint64_t head = 0;
  int calls = 0;
};

IngestSink::Done Record(Answer* a) {
  return
      [a](absl::StatusOr<std::vector<storage::AppendResult>> r, uint64_t head) {
        a->results = std::move(r);
        a->head = head;
        ++a->calls;
      };
}

std::vector<storage::PendingArticle> OneArticle() {
  std::vector<storage::PendingArticle> v(1);
  v[0].idempotency_key = "id:a";
  return v;
}

TEST(GraceSinkTest, PassesAnswersThroughUntilAbandoned) {
  HeldSink inner;
  GraceSink sink(&inner, [] { return uint64_t{7}; });
  Answer answered;
  sink.Submit(OneArticle(), Record(&answered));
  ASSERT_EQ(inner.held.size(), 1u);
  inner.held[0].second(std::vector<storage::AppendResult>(1), 3);
  EXPECT_EQ(answered.calls, 1);
  EXPECT_TRUE(answered.results.ok());
  EXPECT_EQ(answered.head, 3u);
  EXPECT_EQ(sink.Abandon(absl::UnavailableError("late")), 0u);
}

TEST(GraceSinkTest, AbandonAnswersTheWaitingOnesOnceAndTheLaterOnesAtOnce) {
  HeldSink inner;
  GraceSink sink(&inner, [] { return uint64_t{7}; });
  Answer first;
  Answer second;
  sink.Submit(OneArticle(), Record(&first));
  sink.Submit(OneArticle(), Record(&second));
  EXPECT_EQ(sink.Abandon(absl::UnavailableError("outcome unknown")), 2u);
  for (const Answer* a : {&first, &second}) {
    EXPECT_EQ(a->calls, 1);
    EXPECT_EQ(a->results.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(a->head, 7u);
  }
  // The inner sink's late answer is dropped.
  inner.held[0].second(std::vector<storage::AppendResult>(1), 9);
  EXPECT_EQ(first.calls, 1);
  // A batch after the end is not handed on.
  Answer after;
  sink.Submit(OneArticle(), Record(&after));
  EXPECT_EQ(inner.held.size(), 2u);
  EXPECT_EQ(after.calls, 1);
  EXPECT_EQ(after.results.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tidings::service::internal
