// Copyright 2026 The Tidings Authors.

#include "cluster/signal_log.h"

#include <optional>
#include <utility>

#include "absl/synchronization/notification.h"

namespace tidings::cluster {

absl::StatusOr<PublishAck> SignalLog::Publish(OutgoingRecord record) {
  absl::Notification done;
  std::optional<absl::StatusOr<PublishAck>> result;
  PublishAsync(std::move(record), [&](absl::StatusOr<PublishAck> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return *std::move(result);
}

}  // namespace tidings::cluster
