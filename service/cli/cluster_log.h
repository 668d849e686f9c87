// Copyright 2026 The Tidings Authors.
//
// cluster_log.h: `tidings serve --cluster`: the JetStream log a node
// replicates (cluster/README.md), from the flag's server list.

#ifndef TIDINGS_SERVICE_CLI_CLUSTER_LOG_H_
#define TIDINGS_SERVICE_CLI_CLUSTER_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/signal_log.h"

namespace tidings::cli {

// "nats://h1:p1,nats://h2:p2" as a list of URLs. INVALID_ARGUMENT naming the
// entry that is not nats://HOST:PORT (port 1-65535).
absl::StatusOr<std::vector<std::string>> ParseClusterUrls(std::string_view s);

// The cluster log's retention (--cluster-max-age, --cluster-max-bytes);
// zero = no limit, unset = as the stream has it.
struct ClusterRetention {
  std::optional<absl::Duration> max_age;
  std::optional<uint64_t> max_bytes;
};

// Connects to the servers and creates (or checks) the TIDINGS stream, and
// gives it the limits set in `retention` (when it creates it, or when the
// stream's limits differ: logged as a warning naming both). Blocking, up to
// about 30 s while the cluster elects its leaders. INVALID_ARGUMENT for a max
// age below the log's 2-minute dedup window. UNIMPLEMENTED when this build has
// no cluster support (libnats-dev was missing at build time).
absl::StatusOr<std::shared_ptr<cluster::SignalLog>> OpenClusterLog(
    std::string_view urls, const ClusterRetention& retention = {});

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_CLUSTER_LOG_H_
