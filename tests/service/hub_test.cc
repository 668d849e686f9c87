// Copyright 2026 The Tidings Authors.

#include "service/hub.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace tidings::service {
namespace {

class RecordingListener : public Hub::Listener {
 public:
  void OnHead(uint64_t head) override {
    last_head = head;
    ++heads;
  }
  void OnTick() override { ++ticks; }
  void OnClose() override { ++closes; }
  uint64_t LagBehind(uint64_t head) override {
    return head - std::min<uint64_t>(head, delivered);
  }
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> last_head{0};
  std::atomic<int> heads{0}, ticks{0}, closes{0};
};

TEST(HubTest, PublishWakesListenersWithTheNewestHead) {
  Hub hub(10, absl::Hours(1), 5);
  EXPECT_EQ(hub.head(), 5u);
  RecordingListener a, b;
  ASSERT_TRUE(hub.Add(&a).ok());
  ASSERT_TRUE(hub.Add(&b).ok());
  hub.Publish(7);
  EXPECT_EQ(hub.head(), 7u);
  EXPECT_EQ(a.last_head, 7u);
  EXPECT_EQ(b.last_head, 7u);
  hub.Publish(6);  // Older: ignored.
  EXPECT_EQ(hub.head(), 7u);
  EXPECT_EQ(a.heads, 1);
  hub.Remove(&a);
  hub.Publish(9);
  EXPECT_EQ(a.last_head, 7u);
  EXPECT_EQ(b.last_head, 9u);
}

TEST(HubTest, LimitAndClose) {
  Hub hub(1, absl::Hours(1), 0);
  RecordingListener a, b;
  ASSERT_TRUE(hub.Add(&a).ok());
  EXPECT_EQ(hub.Add(&b).code(), absl::StatusCode::kResourceExhausted);
  hub.CloseAll();
  hub.CloseAll();  // Idempotent.
  EXPECT_EQ(a.closes, 1);
  hub.Remove(&a);
  EXPECT_EQ(hub.Add(&b).code(), absl::StatusCode::kUnavailable);
}

TEST(HubTest, LagIsTheLargestAndTheSumOverListeners) {
  Hub hub(10, absl::Hours(1), 0);
  EXPECT_EQ(hub.LagBehind(100).max, 0u);
  RecordingListener a, b, c;
  a.delivered = 100;
  b.delivered = 90;
  c.delivered = 40;
  for (RecordingListener* l : {&a, &b, &c}) ASSERT_TRUE(hub.Add(l).ok());
  const Hub::Lag lag = hub.LagBehind(100);
  EXPECT_EQ(lag.max, 60u);
  EXPECT_EQ(lag.total, 70u);
}

TEST(HubTest, TicksUntilStopped) {
  Hub hub(1, absl::Milliseconds(5), 0);
  RecordingListener a;
  ASSERT_TRUE(hub.Add(&a).ok());
  for (int i = 0; i < 2000 && a.ticks < 3; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GE(a.ticks, 3);
  hub.Stop();
  int ticks = a.ticks;
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(a.ticks, ticks);
}

}  // namespace
}  // namespace tidings::service
