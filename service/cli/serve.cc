// Copyright 2026 The Tidings Authors.
//
// `tidings serve`: runs the gRPC server until SIGINT or SIGTERM.
//
// Signals: SIGINT and SIGTERM are blocked in every thread (the mask is set
// before the server starts its threads, which inherit it) and the main
// thread takes them with sigwait(), so no work happens in a signal handler.
// The first one shuts the server down gracefully (in-flight ingest batches
// finish and sync); a second one during shutdown exits at once. SIGHUP
// reloads the tokens file (Server::ReloadTokens) and logs the outcome; a file
// that does not parse leaves the tokens in force.
//
// Settings, lowest precedence first: defaults, the --config file (or
// $TIDINGS_CONFIG), TIDINGS_* variables, flags (config.h).

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "scoring/scorer.h"
#include "service/cli/cluster_log.h"
#include "service/cli/commands.h"
#include "service/cli/config.h"
#include "service/cli/systemd_notify.h"
#include "service/log.h"
#include "service/server.h"

namespace tidings::cli {
namespace {

// "127.0.0.1:0" with port 43210 -> "127.0.0.1:43210".
std::string BoundAddress(const std::string& listen, int port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return absl::StrCat(listen, ":", port);
  return absl::StrCat(listen.substr(0, colon + 1), port);
}

// Applies the config file (--config, else $TIDINGS_CONFIG), then the
// environment over it; neither touches what the command line set.
absl::Status ApplyConfig(FlagSet& flags, const std::string& config_path,
                         ConfigSources& sources,
                         std::vector<std::string>& warnings) {
  std::string path = config_path;
  if (const char* env = std::getenv("TIDINGS_CONFIG"); path.empty() && env) {
    path = env;
  }
  if (!path.empty()) {
    if (absl::Status s = ApplyConfigFile(path, flags, sources); !s.ok()) {
      return s;
    }
  }
  return ApplyEnvironment(environ, flags, sources, warnings);
}

// Waits for the stop signal; SIGHUP meanwhile reloads the tokens.
int WaitForStop(const sigset_t& signals, service::Server& server) {
  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) return signal_number;
    absl::Status reloaded = server.ReloadTokens();
    if (!reloaded.ok()) {
      service::Log(service::LogLevel::kError,
                   absl::StrCat("SIGHUP: tokens not reloaded, the previous "
                                "ones stay in force: ",
                                reloaded.message()));
    }
  }
}

// What to do about a failed start, after its message.
std::string StartFailureHint(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    return " (see `tidings serve --help`)";
  }
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    return " (point --data at a Tidings data directory or an empty one)";
  }
  if (status.GetPayload(service::kAddressInUsePayload)) {
    return "; choose another --listen (port 0 picks a free one)";
  }
  return "";
}

// "serving on HOST:PORT, ...": the line that says the server is ready.
void LogServing(const service::ServerOptions& options,
                const service::Server& server) {
  const std::string address = BoundAddress(options.listen, server.port());
  service::Log(
      service::LogLevel::kInfo,
      absl::StrCat("serving on ", address, ", data ", options.data_dir,
                   ", scorer ", server.scorer_version(),
                   options.retention > absl::ZeroDuration()
                       ? absl::StrCat(", retention ",
                                      absl::FormatDuration(options.retention))
                       : std::string(),
                   options.metrics_listen.empty()
                       ? std::string()
                       : absl::StrCat(", metrics on http://",
                                      options.metrics_listen, "/metrics"),
                   " (Ctrl-C or SIGTERM stops)"),
      {{"address", address}, {"scorer", server.scorer_version()}});
}

// Binds every ServerOptions field to its flag (and so to its config key and
// TIDINGS_* variable).
void BindServeFlags(FlagSet& flags, service::ServerOptions& options) {
  flags.String("listen", &options.listen, "HOST:PORT",
               "address to listen on; port 0 picks a free port");
  flags.String("data", &options.data_dir, "DIR",
               "RocksDB directory, created when missing");
  flags.String("lexicons", &options.lexicon_dir, "DIR",
               "lexicon directory (default: the lexicons built into the "
               "binary)");
  flags.Bytes("max-article-bytes", &options.max_article_bytes,
              "largest accepted article body (e.g. 1048576, 512KiB, 1MiB)");
  flags.Uint32("max-batch", &options.max_batch, "N",
               "most articles in one Ingest or Score request");
  flags.Uint32("max-subscribers", &options.max_subscribers, "N",
               "most concurrent Subscribe streams");
  flags.Uint32("subscriber-buffer", &options.subscriber_buffer, "N",
               "signals queued per subscriber before it falls back to "
               "reading storage");
  flags.Uint32("recent-signals", &options.recent_signals, "N",
               "newest signals kept in memory for caught-up subscribers "
               "(serialised once for all); 0 = off");
  flags.Duration("heartbeat-interval", &options.heartbeat_interval,
                 "heartbeat interval on Subscribe streams");
  flags.Duration("duplicate-window", &options.duplicate_window,
                 "how far back near-duplicates are looked for",
                 /*allow_zero=*/true);
  flags.Duration("retention", &options.retention,
                 "how long signals are kept (by ingested_at), e.g. 72h; "
                 "older ones are trimmed at startup and every minute, and "
                 "cursors below the kept range get OUT_OF_RANGE; 0 = keep "
                 "everything",
                 /*allow_zero=*/true);
  flags.Uint32("worker-threads", &options.worker_threads, "N",
               "threads that score and run storage work; 0 = one per core "
               "(at least 2)");
  flags.Bytes("max-request-bytes", &options.max_request_bytes,
              "largest accepted request message; at least "
              "--max-article-bytes");
  flags.Duration("shutdown-grace", &options.shutdown_grace,
                 "how long a shutdown lets streams and calls end on their "
                 "own before cancelling them",
                 /*allow_zero=*/true);
  flags.Bytes("max-inflight-bytes", &options.max_inflight_bytes,
              "most bytes of article text being ingested at once, across "
              "all connections; over it, ingest gets RESOURCE_EXHAUSTED "
              "(retry later); 0 = no cap");
  flags.String("tokens", &options.tokens_file, "FILE",
               "require bearer tokens: one `token<TAB>role[,role]` a line "
               "(roles publish, subscribe, admin), '#' comments (default: "
               "no access control)");
  flags.String("tls-cert", &options.tls_cert_file, "FILE",
               "serve TLS with this certificate chain (PEM); with --tls-key "
               "(default: plaintext)");
  flags.String("tls-key", &options.tls_key_file, "FILE",
               "private key (PEM) of --tls-cert");
  flags.String("tls-client-ca", &options.tls_client_ca_file, "FILE",
               "mutual TLS: require client certificates signed by this CA "
               "(PEM)");
  flags.String("metrics-listen", &options.metrics_listen, "HOST:PORT",
               "serve Prometheus metrics over HTTP at "
               "http://HOST:PORT/metrics (default: off)");
  flags.String("cluster", &options.cluster, "URL,...",
               "cluster mode: replicate through the JetStream stream TIDINGS "
               "on these NATS servers (nats://HOST:PORT,...); every node "
               "serves the same seqs (default: a single node)");
  flags.OptionalDuration(
      "cluster-max-age", &options.cluster_max_age,
      "cluster mode: how long the cluster log keeps records (set on the "
      "stream at start; 0 = no limit, else at least 2m; unset: as the stream "
      "has it); a node whose replica falls behind it must be restored from "
      "another node's backup",
      /*allow_zero=*/true);
  flags.OptionalBytes("cluster-max-bytes", &options.cluster_max_bytes,
                      "cluster mode: most bytes the cluster log keeps per "
                      "server, oldest records dropped first (e.g. 50GiB; 0 = "
                      "no limit; unset: as the stream has it)");
  flags.Uint64("cluster-audit-rate", &options.cluster_audit_rate, "N",
               "cluster mode: log records a second this node checks at most "
               "against the NATS stream leader's copy, to find records its "
               "replica read differently (metric "
               "tidings_cluster_divergent_records_total); 0 = no audit");
  flags.String("log-format", &options.log_format, "FORMAT",
               "log lines on stderr as text or json (one object a line)");
  flags.String("log-level", &options.log_level, "LEVEL",
               "least level logged: debug, info, warn or error");
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  service::ServerOptions options;
  FlagSet flags(
      "tidings serve", "[flags]",
      "Runs the Tidings gRPC server (the tidings.v1.Tidings API, health,\n"
      "reflection) on an embedded RocksDB store.\n"
      "Logs to stderr; the line \"serving on HOST:PORT, ...\" says it is "
      "ready.\n"
      "SIGINT (Ctrl-C) or SIGTERM shuts it down gracefully and exits 0; a\n"
      "second signal exits at once. SIGHUP reloads the --tokens file.\n"
      "Every flag can also be set in a --config TOML file or a TIDINGS_<NAME>\n"
      "variable (TIDINGS_MAX_ARTICLE_BYTES=1MiB); see --print-config.");
  BindServeFlags(flags, options);
  std::string config_path;
  bool print_config = false;
  flags.String("config", &config_path, "FILE",
               "read settings from this TOML file (default: $TIDINGS_CONFIG); "
               "keys are these flags' names; TIDINGS_<NAME> variables "
               "override it and flags override both");
  flags.Bool("print-config", &print_config,
             "print the effective settings as a config file, with where each "
             "came from, and exit");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  ConfigSources sources;
  std::vector<std::string> warnings;
  if (absl::Status s = ApplyConfig(flags, config_path, sources, warnings);
      !s.ok()) {
    Fail(absl::StrCat("cannot read the settings: ", s.message()));
    return kExitUsage;
  }
  for (const std::string& warning : warnings) {
    service::Log(service::LogLevel::kWarn, warning);
  }
  if (print_config) {
    std::fputs(FormatConfig(flags, sources).c_str(), stdout);
    return kExitOk;
  }
  // SIGHUP too: the default action would kill the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Debian builds Abseil without NDEBUG, so every absl::Mutex (ours and
  // gRPC's) would otherwise run the debug deadlock detector on each Lock:
  // a global spin lock and a graph update per acquisition, 1-2% of the
  // server's CPU at 1,000 calls/s (bench/README.md, "Service CPU per
  // article"). Tests keep it (they never call this).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  service::ServerDeps deps;
  if (!options.cluster.empty()) {
    if (absl::StatusOr<std::vector<std::string>> urls =
            ParseClusterUrls(options.cluster);
        !urls.ok()) {
      Fail(urls.status().message());
      return kExitUsage;
    }
    const ClusterRetention retention = {.max_age = options.cluster_max_age,
                                        .max_bytes = options.cluster_max_bytes};
    absl::StatusOr<std::shared_ptr<cluster::SignalLog>> log =
        OpenClusterLog(options.cluster, retention);
    if (!log.ok()) {
      return Fail(
          absl::StrCat("cannot start the server: ", log.status().message()));
    }
    deps.log = *std::move(log);
  }
  absl::StatusOr<std::unique_ptr<service::Server>> server =
      service::Server::Start(options, std::move(deps));
  if (!server.ok()) {
    return Fail(
        absl::StrCat("cannot start the server: ", server.status().message(),
                     StartFailureHint(server.status())));
  }
  LogServing(options, **server);
  NotifyReady((*server)->port());

  const int signal_number = WaitForStop(signals, **server);
  NotifyStopping();
  service::Log(service::LogLevel::kInfo,
               "stop signal received (send it again to exit at once)",
               {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  std::thread([signals] {
    int again = 0;
    do {
      sigwait(&signals, &again);
    } while (again == SIGHUP);
    service::Log(service::LogLevel::kWarn, "exiting without a clean shutdown",
                 {{"signal", again == SIGINT ? "SIGINT" : "SIGTERM"}});
    _exit(128 + again);
  }).detach();
  (*server)->Shutdown();
  (*server)->Wait();
  service::Log(service::LogLevel::kInfo, "stopped");
  return kExitOk;
}

}  // namespace tidings::cli
