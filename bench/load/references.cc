// Copyright 2026 The Tidings Authors.
//
// What the parts underneath can do, measured in the same run on the same
// disk (see load.h): a bare RocksDB WriteBatch+sync loop, the disk's fsync
// latency, and the scorer alone.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/load.h"
#include "bench/load/stats.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "scoring/scorer.h"

namespace tidings::load {

void RunBareRocksDbReference(LoadContext& ctx, int writers,
                             int values_per_batch, size_t value_bytes,
                             const std::string& kase) {
  const std::string path = ctx.work_dir + "/bare-rocksdb";
  std::filesystem::remove_all(path);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "tidings_load: bare RocksDB: %s\n",
                 s.ToString().c_str());
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // Values of the size the store writes per signal (WAL bytes per signal),
  // not compressible to nothing.
  std::string value(value_bytes, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = char('a' + (i * 7) % 26);
  std::vector<uint64_t> written(writers, 0);
  std::vector<std::thread> threads;
  const int64_t start = MonotonicNs();
  const int64_t deadline =
      start + absl::ToInt64Nanoseconds(ctx.config.duration);
  int64_t end = start;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      uint64_t n = 0;
      while (MonotonicNs() < deadline) {
        rocksdb::WriteBatch batch;
        for (int v = 0; v < values_per_batch; ++v) {
          batch.Put(absl::StrCat(w, ":", n++), value);
        }
        if (!db->Write(sync, &batch).ok()) break;
        written[w] += values_per_batch;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  end = MonotonicNs();
  uint64_t total = 0;
  for (uint64_t n : written) total += n;
  ctx.report->Add("ref", kase, "values/s", "1/s",
                  total / ((end - start) * 1e-9));
  db.reset();
  std::filesystem::remove_all(path);
}

void RunFsyncProbe(LoadContext& ctx) {
  const std::string path = ctx.work_dir + "/fsync-probe";
  const int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    std::fprintf(stderr, "tidings_load: %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return;
  }
  const std::string block(4096, 'x');
  std::vector<double> ms;
  const int64_t deadline = MonotonicNs() + 1'000'000'000;  // At most 1 s.
  for (int i = 0; i < 200 && MonotonicNs() < deadline; ++i) {
    if (write(fd, block.data(), block.size()) != ssize_t(block.size())) break;
    const int64_t t0 = MonotonicNs();
    if (fdatasync(fd) != 0) break;
    ms.push_back((MonotonicNs() - t0) * 1e-6);
  }
  close(fd);
  unlink(path.c_str());
  ctx.report->Add("ref", "disk: 4 KiB append + fdatasync", "fsync p50", "ms",
                  Quantile(ms, 0.5));
  ctx.report->Add("ref", "disk: 4 KiB append + fdatasync", "fsync p99", "ms",
                  Quantile(ms, 0.99));
}

void RunScorerReference(LoadContext& ctx) {
  static const auto* scorer = [] {
    auto s = scoring::Scorer::Create(scoring::ScorerOptions{});
    if (!s.ok()) {
      std::fprintf(stderr, "tidings_load: scorer: %s\n",
                   s.status().ToString().c_str());
      std::exit(1);
    }
    return s->release();
  }();
  constexpr int kThreads = 2;
  std::vector<uint64_t> articles(kThreads, 0);
  std::vector<std::thread> threads;
  const int64_t start = MonotonicNs();
  const int64_t deadline =
      start + absl::ToInt64Nanoseconds(ctx.config.duration);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      scoring::Scorer::Scratch scratch;
      for (size_t i = t * 7919; MonotonicNs() < deadline; ++i) {
        const v1::Article& a = ctx.articles[i % ctx.articles.size()];
        scoring::ScoreInput input;
        input.title = a.title();
        input.body = a.body();
        scorer->Score(input, &scratch);
        ++articles[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = (MonotonicNs() - start) * 1e-9;
  ctx.report->Add("ref", "scorer alone, 2 threads", "articles/s", "1/s",
                  (articles[0] + articles[1]) / seconds);
}

}  // namespace tidings::load
