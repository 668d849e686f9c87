// Copyright 2026 The Tidings Authors.
//
// The backfill scenario: Query signals/s over everything stored (the
// earlier scenarios' signals), unfiltered and filtered by event type, by
// entity and by a published_at range, beside a bare RocksDB iterator over the
// same signals (the same bytes under the same keys, in a DB of its own on
// the same disk); then `tidings query --csv` and `--json`.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/counting_reader.h"
#include "bench/load/load.h"
#include "bench/load/stats.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

extern char** environ;

namespace tidings::load {
namespace {

std::string BigEndian(uint64_t seq) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) key[i] = char(seq & 0xff);
  return key;
}

// What the filtered queries ask for, chosen from the stored signals.
struct Survey {
  uint64_t signals = 0;
  v1::EventType event_type = v1::EVENT_TYPE_UNSPECIFIED;
  std::string entity;
  int64_t published_from = 0;  // Unix seconds: ~1% of the signals.
  int64_t published_to = 0;
};

// One untimed pass over every signal: picks the most common event type, an
// entity and a published_at range of about 1% each, and writes the signals into
// the reference DB at `path`.
Survey SurveyAndCopy(LoadContext& ctx, const std::string& path) {
  Survey survey;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  std::filesystem::remove_all(path);
  if (!rocksdb::DB::Open(options, path, &raw).ok()) return survey;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<int, uint64_t> events;
  std::map<std::string, uint64_t> entities;
  std::vector<int64_t> published;
  grpc::ClientContext context;
  v1::QueryRequest request;
  request.mutable_filter()->set_include_duplicates(true);
  auto stub = ctx.NewStub();
  auto reader = stub->Query(&context, request);
  v1::Signal signal;
  rocksdb::WriteBatch batch;
  std::string bytes;
  while (reader->Read(&signal)) {
    ++survey.signals;
    for (const v1::Event& e : signal.events()) ++events[e.type()];
    for (const v1::Entity& e : signal.entities()) ++entities[e.id()];
    if (signal.has_published_at()) {
      published.push_back(signal.published_at().seconds());
    }
    signal.SerializeToString(&bytes);
    batch.Put(BigEndian(signal.seq()), bytes);
    if (batch.Count() >= 1000) {
      db->Write(rocksdb::WriteOptions(), &batch);
      batch.Clear();
    }
  }
  (void)reader->Finish();
  db->Write(rocksdb::WriteOptions(), &batch);
  db->Flush(rocksdb::FlushOptions());
  for (const auto& [type, n] : events) {
    if (n > events[survey.event_type]) survey.event_type = v1::EventType(type);
  }
  // An entity named by about 1% of the signals, and a published_at range
  // holding about 1% of them: a filter that scans shows here.
  const uint64_t one_percent = std::max<uint64_t>(1, survey.signals / 100);
  uint64_t best = ~uint64_t{0};
  for (const auto& [id, n] : entities) {
    const uint64_t distance =
        n > one_percent ? n - one_percent : one_percent - n;
    if (distance < best) best = distance, survey.entity = id;
  }
  if (!published.empty()) {
    std::sort(published.begin(), published.end());
    const size_t mid = published.size() / 2;
    const size_t half = std::max<size_t>(1, one_percent / 2);
    survey.published_from = published[mid > half ? mid - half : 0];
    survey.published_to =
        published[std::min(published.size() - 1, mid + half)] + 1;
  }
  return survey;
}

// One timed Query (QueryBatches when Msg is SignalBatch); adds "signals/s"
// (matching signals per second) to `kase`.
template <typename Msg = v1::Signal>
void TimedQuery(LoadContext& ctx, const std::string& kase,
                const v1::QueryRequest& request) {
  auto stub = ctx.NewStub();
  const int64_t start = MonotonicNs();
  CountingReader<Msg> reader(
      [&](grpc::ClientContext* context, CountingReader<Msg>* r) {
        if constexpr (std::is_same_v<Msg, v1::SignalBatch>) {
          stub->async()->QueryBatches(context, &request, r);
        } else {
          stub->async()->Query(context, &request, r);
        }
      });
  const grpc::Status status = reader.Await();
  const double seconds = (MonotonicNs() - start) * 1e-9;
  if (!status.ok()) {
    ctx.report->Add("backfill", kase, "errors", "", 1);
    std::fprintf(stderr, "tidings_load: Query %s: %s\n", kase.c_str(),
                 status.error_message().c_str());
    return;
  }
  ctx.report->Add("backfill", kase, "signals/s", "1/s",
                  reader.count() / seconds);
  ctx.report->Add("backfill", kase, "signals", "", reader.count());
}

void RawScan(LoadContext& ctx, const std::string& path,
             const std::string& kase) {
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(rocksdb::Options(), path, &raw).ok())
    return;
  std::unique_ptr<rocksdb::DB> db(raw);
  const int64_t start = MonotonicNs();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  uint64_t n = 0, bytes = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++n;
    bytes += it->value().size();
  }
  ctx.report->Add("ref", kase, "values/s", "1/s",
                  n / ((MonotonicNs() - start) * 1e-9));
}

// `tidings query --server ADDR --include-duplicates <format>` to /dev/null.
void TimedCli(LoadContext& ctx, const std::string& format, uint64_t signals) {
  std::vector<std::string> args = {
      ctx.config.tidings_cli, "query", "--server", ctx.address,
      "--include-duplicates", format};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const int64_t start = MonotonicNs();
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) ==
      0) {
    waitpid(pid, &status, 0);
  }
  posix_spawn_file_actions_destroy(&actions);
  const std::string kase = absl::StrCat("tidings query ", format);
  if (status != 0) {
    ctx.report->Add("backfill", kase, "errors", "", 1);
    std::fprintf(stderr, "tidings_load: %s failed\n", args[0].c_str());
    return;
  }
  ctx.report->Add("backfill", kase, "signals/s", "1/s",
                  signals / ((MonotonicNs() - start) * 1e-9));
}

}  // namespace

void RunBackfillScenario(LoadContext& ctx) {
  const std::string path = ctx.work_dir + "/scan-reference";
  static Survey survey;  // Once: every run queries the same signals.
  if (survey.signals == 0) survey = SurveyAndCopy(ctx, path);
  if (survey.signals == 0) {
    std::fprintf(stderr, "tidings_load: backfill: nothing stored\n");
    return;
  }
  const std::string scan =
      absl::StrCat("rocksdb iterator, ", survey.signals, " signals");
  RawScan(ctx, path, scan);

  v1::QueryRequest all;
  all.mutable_filter()->set_include_duplicates(true);
  TimedQuery(ctx, "unfiltered", all);
  {
    // The same, with a client that does not parse what it reads.
    grpc::GenericStub stub(ctx.NewChannel(ctx.address));
    const int64_t start = MonotonicNs();
    BytesReader reader(&stub, "/tidings.v1.Tidings/Query",
                       all.SerializeAsString());
    if (reader.Await().ok()) {
      ctx.report->Add("backfill", "unfiltered, client parses nothing",
                      "signals/s", "1/s",
                      reader.count() / ((MonotonicNs() - start) * 1e-9));
    }
  }
  ctx.report->Compare("backfill", "unfiltered", "signals/s", "ref", scan,
                      "values/s", ">= 0.5, >= 200k/s");
  v1::QueryRequest compact = all;
  compact.set_view(v1::SIGNAL_VIEW_COMPACT);
  TimedQuery(ctx, "unfiltered, compact view", compact);
  TimedQuery<v1::SignalBatch>(ctx, "unfiltered, batches", all);
  TimedQuery<v1::SignalBatch>(ctx, "unfiltered, batches, compact", compact);
  for (const char* kase : {"unfiltered, compact view", "unfiltered, batches",
                           "unfiltered, batches, compact"}) {
    ctx.report->Compare("backfill", kase, "signals/s", "ref", scan, "values/s",
                        ">= 0.5, >= 200k/s");
  }

  v1::QueryRequest by_event = all;
  by_event.mutable_filter()->add_event_types(survey.event_type);
  const std::string event_case =
      absl::StrCat("event ", v1::EventType_Name(survey.event_type));
  TimedQuery(ctx, event_case, by_event);

  v1::QueryRequest by_entity = all;
  by_entity.mutable_filter()->add_entities(survey.entity);
  const std::string entity_case = absl::StrCat("entity ", survey.entity);
  TimedQuery(ctx, entity_case, by_entity);

  std::vector<std::string> filtered = {event_case, entity_case};
  if (survey.published_to > 0) {
    v1::QueryRequest by_time = all;
    by_time.set_time_field(v1::PUBLISHED_AT);
    by_time.mutable_since()->set_seconds(survey.published_from);
    by_time.mutable_until()->set_seconds(survey.published_to);
    filtered.push_back("published_at, ~1% of signals");
    TimedQuery(ctx, filtered.back(), by_time);
  }
  for (const std::string& kase : filtered) {
    ctx.report->Compare("backfill", kase, "signals/s", "backfill", "unfiltered",
                        "signals/s", ">= 0.5 (no full scan)");
  }

  if (!ctx.config.tidings_cli.empty()) {
    TimedCli(ctx, "--csv", survey.signals);
    TimedCli(ctx, "--json", survey.signals);
  }
}

}  // namespace tidings::load
