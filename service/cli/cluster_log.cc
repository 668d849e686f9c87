// Copyright 2026 The Tidings Authors.

#include "service/cli/cluster_log.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#ifdef TIDINGS_HAVE_CLUSTER
#include "cluster/jetstream_log.h"
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
    std::string_view urls) {
  absl::StatusOr<std::vector<std::string>> servers = ParseClusterUrls(urls);
  if (!servers.ok()) return servers.status();
#ifdef TIDINGS_HAVE_CLUSTER
  cluster::JetStreamLogOptions options;
  options.client.servers = *std::move(servers);
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
  return std::shared_ptr<cluster::SignalLog>(*std::move(log));
#else
  return absl::UnimplementedError(
      "--cluster: this build of tidings has no cluster support (libnats-dev "
      "was missing when it was built; run scripts/install-deps.sh and "
      "rebuild)");
#endif
}

}  // namespace tidings::cli
