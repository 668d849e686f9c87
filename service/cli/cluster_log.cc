// Copyright 2026 The Tidings Authors.

#include "service/cli/cluster_log.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#ifdef TIDINGS_HAVE_CLUSTER
#include "absl/time/time.h"
#include "cluster/jetstream_log.h"
#include "service/log.h"
#endif

namespace tidings::cli {

absl::StatusOr<std::vector<std::string>> ParseClusterUrls(std::string_view s) {
  std::vector<std::string> urls;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(s.data(), s.size()), ',')) {
    part = absl::StripAsciiWhitespace(part);
    absl::string_view rest = part;
    const absl::string_view hint =
        "; give the NATS servers as nats://HOST:PORT,nats://HOST:PORT,...";
    if (!absl::ConsumePrefix(&rest, "nats://")) {
      return absl::InvalidArgumentError(
          absl::StrCat("--cluster: \"", part, "\" is not a nats:// URL", hint));
    }
    const size_t colon = rest.rfind(':');
    uint32_t port = 0;
    if (colon == std::string_view::npos || colon == 0 ||
        !absl::SimpleAtoi(rest.substr(colon + 1), &port) || port == 0 ||
        port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--cluster: \"", part, "\" needs a host and a port (1-65535)", hint));
    }
    urls.emplace_back(part.data(), part.size());
  }
  if (urls.empty()) {
    return absl::InvalidArgumentError("--cluster: no server given");
  }
  return urls;
}

absl::StatusOr<std::shared_ptr<cluster::SignalLog>> OpenClusterLog(
    std::string_view urls, const ClusterRetention& retention) {
  absl::StatusOr<std::vector<std::string>> servers = ParseClusterUrls(urls);
  if (!servers.ok()) return servers.status();
#ifdef TIDINGS_HAVE_CLUSTER
  cluster::JetStreamLogOptions options;
  options.client.servers = *std::move(servers);
  if (retention.max_bytes.value_or(0) > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError("--cluster-max-bytes: too large");
  }
  options.max_age = retention.max_age;
  if (retention.max_bytes.has_value()) {
    options.max_bytes = static_cast<int64_t>(*retention.max_bytes);
  }
  // Keep the stream's leader off the meta leader (cluster/README.md,
  // "Leader placement"): at start, then every 30 s.
  options.placement_check_interval = absl::Seconds(30);
  options.on_placement_check = [](const cluster::PlacementCheck& check) {
    if (check.stepped_down) {
      service::Log(
          check.status.ok() ? service::LogLevel::kInfo
                            : service::LogLevel::kWarn,
          check.status.ok()
              ? "cluster: the stream leader was also the JetStream meta "
                "leader; asked it to step down"
              : "cluster: the stream leader is also the JetStream meta "
                "leader; its step-down failed (retried at the next check)",
          {{"server", check.stream_leader},
           {"error",
            check.status.ok() ? std::string() : check.status.ToString()}});
    } else if (!check.status.ok()) {
      service::Log(service::LogLevel::kDebug,
                   "cluster: leader placement check failed",
                   {{"error", check.status.ToString()}});
    }
  };
  service::Log(service::LogLevel::kInfo,
               "cluster mode: opening the cluster log (waits up to 30 s for "
               "the NATS servers and their JetStream leader)",
               {{"servers", std::string(urls)}});
  absl::StatusOr<std::unique_ptr<cluster::JetStreamLog>> log =
      cluster::JetStreamLog::Open(std::move(options));
  if (!log.ok()) {
    return absl::Status(
        log.status().code(),
        absl::StrCat("cannot open the cluster log (JetStream stream TIDINGS "
                     "on ",
                     absl::string_view(urls.data(), urls.size()),
                     "): ", log.status().message()));
  }
  if (const std::optional<cluster::RetentionChange>& change =
          (*log)->retention_change();
      change.has_value()) {
    auto describe = [](const cluster::StreamRetention& r) {
      return absl::StrCat(
          "max age ",
          r.max_age > absl::ZeroDuration() ? absl::FormatDuration(r.max_age)
                                           : "none",
          ", max bytes ", r.max_bytes > 0 ? absl::StrCat(r.max_bytes) : "none");
    };
    service::Log(service::LogLevel::kWarn,
                 "cluster mode: changed the cluster log's retention (every "
                 "node sets it at start: give all nodes the same "
                 "--cluster-max-age and --cluster-max-bytes)",
                 {{"before", describe(change->before)},
                  {"after", describe(change->after)}});
  }
  if (!(*log)->stream_notice().empty()) {
    // allow_direct turned on, or missing: whether replicas read on while
    // no consumer can be created (cluster/README.md, "Consumer loss").
    const bool direct = (*log)->direct_gets();
    service::Log(
        direct ? service::LogLevel::kInfo : service::LogLevel::kWarn,
        direct ? "cluster: turned on allow_direct on the stream: replicas "
                 "read on by direct gets while they have no consumer"
               : "cluster: the stream has no allow_direct: a replica whose "
                 "consumer is lost waits for a new one (the meta leader)",
        {{"detail", (*log)->stream_notice()}});
  }
  return std::shared_ptr<cluster::SignalLog>(*std::move(log));
#else
  return absl::UnimplementedError(
      "--cluster: this build of tidings has no cluster support (libnats-dev "
      "was missing when it was built; run scripts/install-deps.sh and "
      "rebuild)");
#endif
}

}  // namespace tidings::cli
