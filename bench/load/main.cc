// Copyright 2026 The Tidings Authors.
//
// tidings_load: the service under load, beside what the parts underneath
// can do (issue 9; bench/README.md, "Load"). Starts a Tidings server in a
// child process (loopback port, RocksDB in a temp dir, WAL synced per ack)
// or targets --server, runs each scenario --runs times and prints one table
// of medians (--json: JSON).

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "bench/load/load.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

ABSL_FLAG(std::string, server, "",
          "target a running server at HOST:PORT instead of starting one (no "
          "sync counts, RSS or raw-stream reference then)");
ABSL_FLAG(int, runs, 3, "times each scenario runs; the table shows medians");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(2),
          "length of each timed ingest case and of each reference loop");
ABSL_FLAG(std::string, scenarios, "memory,ingest,fanout,backfill",
          "which scenarios, in this order (also: cluster, 2 Tidings nodes "
          "on 3 nats-server beside a single node; needs nats-server)");
ABSL_FLAG(std::string, publishers, "1,4,16,64", "ingest concurrencies");
ABSL_FLAG(std::string, batches, "1,8,100", "unary Ingest batch sizes");
ABSL_FLAG(std::string, subscribers, "1,100,1000", "fan-out sizes");
ABSL_FLAG(uint64_t, fanout_deliveries, 300000,
          "deliveries per fan-out case, about (articles = this / subscribers, "
          "within 200..20000)");
ABSL_FLAG(int, idle_subscribers, 1000, "subscribers of the memory scenario");
ABSL_FLAG(std::string, corpus, "",
          "JSONL of tidings.v1.Article (unknown keys ignored); default "
          "$TIDINGS_CORPUS, else bench/data/fixture_corpus.jsonl");
ABSL_FLAG(uint64_t, max_articles, 20000, "articles read from the corpus");
ABSL_FLAG(std::string, work_dir, "/var/tmp",
          "where the store and the references write (the disk under test)");
ABSL_FLAG(std::string, tidings, TIDINGS_CLI_PATH,
          "the tidings binary for the CLI rows; \"\" skips them");
ABSL_FLAG(double, cluster_paced_rate, 1000,
          "articles/s of the cluster scenario's paced latency cases");
ABSL_FLAG(std::string, cluster_paced_batches, "1,10",
          "articles a call of the cluster scenario's paced latency cases");
ABSL_FLAG(bool, cluster_max_rate, true,
          "whether the cluster scenario measures the max rate (false: the "
          "paced latency cases alone)");
ABSL_FLAG(bool, cluster_single, true,
          "whether the cluster scenario's paced latency cases also run on "
          "the single node (false: the cluster's alone)");
ABSL_FLAG(std::string, cluster_hook, "",
          "a command the cluster scenario runs, and waits for, as each paced "
          "case starts and ends, with the arguments starts|ends and the load "
          "tool's pid (e.g. to snapshot the processes' counters)");
ABSL_FLAG(std::string, cluster_trace, "",
          "a file to which each paced case appends one line per article: the "
          "case, the article's index, when it was sent (ms since the case "
          "started), its call's ack latency and its ingest->deliver and "
          "ingested_at->deliver latencies (ms; -1 when not delivered), tab "
          "separated (to see when the slow ones came)");
ABSL_FLAG(bool, json, false, "print JSON instead of the table");
ABSL_FLAG(bool, quick, false,
          "a smoke run: 1 run, 0.2 s cases, publishers 1,4, batches 1,8, "
          "subscribers 1,10, 20 idle subscribers");

namespace tidings::load {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "tidings_load: %s\n", message.c_str());
  std::exit(2);
}

std::vector<int> IntList(const std::string& flag, const std::string& value) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    int v = 0;
    if (!absl::SimpleAtoi(part, &v) || v < 1) {
      Die(absl::StrCat("--", flag, ": '", part, "' is not a positive integer"));
    }
    out.push_back(v);
  }
  if (out.empty()) Die(absl::StrCat("--", flag, " is empty"));
  return out;
}

std::vector<v1::Article> ReadCorpus(const std::string& path, uint64_t max) {
  std::ifstream in(path);
  if (!in) Die(absl::StrCat("cannot read the corpus ", path));
  std::vector<v1::Article> articles;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  std::string line;
  uint64_t bad = 0;
  while (articles.size() < max && std::getline(in, line)) {
    if (line.empty()) continue;
    v1::Article a;
    if (!google::protobuf::util::JsonStringToMessage(line, &a, options).ok() ||
        (a.title().empty() && a.body().empty())) {
      ++bad;
      continue;
    }
    a.clear_article_id();
    // The corpus's "published" (RFC 3339, no zone, or a date; UTC).
    google::protobuf::Struct fields;
    if (!a.has_published_at() &&
        google::protobuf::util::JsonStringToMessage(line, &fields).ok()) {
      const auto it = fields.fields().find("published");
      if (it != fields.fields().end()) {
        absl::Time t;
        for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S%Ez",
                                   "%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d"}) {
          std::string error;
          if (absl::ParseTime(format, it->second.string_value(), &t, &error)) {
            a.mutable_published_at()->set_seconds(absl::ToUnixSeconds(t));
            break;
          }
        }
      }
    }
    articles.push_back(std::move(a));
  }
  if (articles.empty()) Die(absl::StrCat(path, ": no usable article"));
  if (bad > 0)
    std::fprintf(stderr, "tidings_load: %s: %lu lines skipped\n", path.c_str(),
                 static_cast<unsigned long>(bad));
  return articles;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tidings_load [flags]: the service under load beside bare RocksDB, bare "
      "gRPC and the scorer alone (bench/README.md)");
  absl::ParseCommandLine(argc, argv);
  const bool quick = absl::GetFlag(FLAGS_quick);
  LoadConfig config;
  config.duration =
      quick ? absl::Milliseconds(200) : absl::GetFlag(FLAGS_duration);
  config.publishers =
      IntList("publishers", quick ? "1,4" : absl::GetFlag(FLAGS_publishers));
  config.batches =
      IntList("batches", quick ? "1,8" : absl::GetFlag(FLAGS_batches));
  config.subscribers =
      IntList("subscribers", quick ? "1,10" : absl::GetFlag(FLAGS_subscribers));
  config.fanout_deliveries =
      quick ? 2000 : absl::GetFlag(FLAGS_fanout_deliveries);
  config.idle_subscribers = quick ? 20 : absl::GetFlag(FLAGS_idle_subscribers);
  config.tidings_cli = absl::GetFlag(FLAGS_tidings);
  config.cluster_paced_rate = absl::GetFlag(FLAGS_cluster_paced_rate);
  if (!(config.cluster_paced_rate >= 1 && config.cluster_paced_rate <= 1e5)) {
    Die("--cluster_paced_rate must be within 1..100000");
  }
  config.cluster_paced_batches = IntList(
      "cluster_paced_batches", absl::GetFlag(FLAGS_cluster_paced_batches));
  config.cluster_max_rate = absl::GetFlag(FLAGS_cluster_max_rate);
  config.cluster_single = absl::GetFlag(FLAGS_cluster_single);
  config.cluster_hook = absl::GetFlag(FLAGS_cluster_hook);
  config.cluster_trace = absl::GetFlag(FLAGS_cluster_trace);
  if (!config.tidings_cli.empty() &&
      access(config.tidings_cli.c_str(), X_OK) != 0) {
    Die(absl::StrCat("--tidings ", config.tidings_cli, " is not executable"));
  }
  const int runs = quick ? 1 : absl::GetFlag(FLAGS_runs);
  if (runs < 1) Die("--runs must be at least 1");
  const std::vector<std::string> scenarios =
      absl::StrSplit(absl::GetFlag(FLAGS_scenarios), ',', absl::SkipEmpty());
  for (const std::string& s : scenarios) {
    if (s != "memory" && s != "ingest" && s != "fanout" && s != "backfill" &&
        s != "cluster") {
      Die(absl::StrCat("--scenarios: unknown '", s,
                       "' (memory, ingest, fanout, backfill, cluster)"));
    }
  }

  std::string work = absl::GetFlag(FLAGS_work_dir) + "/tidings-load.XXXXXX";
  if (mkdtemp(work.data()) == nullptr) {
    Die(absl::StrCat("cannot make a directory under --work_dir ",
                     absl::GetFlag(FLAGS_work_dir)));
  }
  // Fork the server before anything touches gRPC (server_process.h).
  std::unique_ptr<ServerProcess> server;
  std::string address = absl::GetFlag(FLAGS_server);
  // The cluster scenario starts processes of its own.
  const bool cluster_only =
      std::all_of(scenarios.begin(), scenarios.end(),
                  [](const std::string& s) { return s == "cluster"; });
  if (address.empty() && !cluster_only) {
    ServerProcessOptions options;
    options.data_dir = work + "/store";
    options.max_subscribers =
        std::max(config.idle_subscribers,
                 *std::max_element(config.subscribers.begin(),
                                   config.subscribers.end())) +
        16;
    auto started = ServerProcess::Start(options);
    if (!started.ok()) Die(started.status().ToString());
    server = *std::move(started);
    address = server->address();
  }

  std::string corpus = absl::GetFlag(FLAGS_corpus);
  if (corpus.empty() && std::getenv("TIDINGS_CORPUS") != nullptr) {
    corpus = std::getenv("TIDINGS_CORPUS");
  }
  if (corpus.empty()) corpus = TIDINGS_BENCH_DATA_DIR "/fixture_corpus.jsonl";

  Report report;
  LoadContext ctx(config, ReadCorpus(corpus, absl::GetFlag(FLAGS_max_articles)),
                  server.get(), address, work, &report);
  report.SetContext(
      "corpus", absl::StrCat(corpus, " (", ctx.articles.size(), " articles)"));
  report.SetContext(
      "server", server ? absl::StrCat("child process, store in ", work)
                : cluster_only
                    ? std::string("none (the cluster scenario starts its own)")
                    : address);
  report.SetContext("runs", absl::StrCat(runs, " (medians shown)"));
  report.SetContext("cores", absl::StrCat(std::thread::hardware_concurrency()));
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) {
    report.SetContext(
        "load average at start",
        absl::StrFormat("%.2f %.2f %.2f", load[0], load[1], load[2]));
  }
  for (const std::string& s : scenarios) {
    if (s == "cluster") {  // Its processes start once for all runs.
      RunClusterScenario(ctx, runs);
      continue;
    }
    for (int run = 0; run < runs; ++run) {
      std::fprintf(stderr, "tidings_load: %s, run %d of %d\n", s.c_str(),
                   run + 1, runs);
      if (s == "memory") RunMemoryScenario(ctx);
      if (s == "ingest") RunIngestScenario(ctx);
      if (s == "fanout") RunFanoutScenario(ctx);
      if (s == "backfill") RunBackfillScenario(ctx);
    }
  }
  if (server != nullptr) {
    const uint64_t head = std::max<uint64_t>(1, ctx.HeadSeq());
    report.SetContext(
        "WAL bytes per signal (whole run)",
        absl::StrFormat("%.0f",
                        double(server->counters().wal_bytes.load()) / head));
    server.reset();  // A graceful stop, which flushes the memtables.
    uintmax_t bytes = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(work + "/store")) {
      if (entry.is_regular_file()) bytes += entry.file_size();
    }
    report.SetContext(
        "store bytes on disk per signal (after the stop's flush)",
        absl::StrFormat("%.0f (%llu signals)", double(bytes) / head,
                        static_cast<unsigned long long>(head)));
  }
  std::filesystem::remove_all(work);
  if (absl::GetFlag(FLAGS_json)) {
    report.PrintJson(std::cout);
  } else {
    report.PrintTable(std::cout);
  }
  int errors = 0;
  for (const Row& r : report.rows()) errors += r.metric == "errors";
  return errors > 0 ? 1 : 0;
}

}  // namespace
}  // namespace tidings::load

int main(int argc, char** argv) { return tidings::load::Main(argc, argv); }
