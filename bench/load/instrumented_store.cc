// Copyright 2026 The Tidings Authors.

#include "bench/load/instrumented_store.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "bench/load/stats.h"

namespace tidings::load {
namespace {

class CountingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  CountingFile(std::unique_ptr<rocksdb::FSWritableFile> target, bool wal,
               SharedCounters* counters)
      : FSWritableFileOwnerWrapper(std::move(target)),
        wal_(wal),
        counters_(counters) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    CountBytes(data.size());
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    CountBytes(data.size());
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    CountSync();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    CountSync();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    CountSync();
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }

 private:
  void CountBytes(size_t n) {
    if (wal_) counters_->wal_bytes.fetch_add(n, std::memory_order_relaxed);
  }
  void CountSync() {
    counters_->syncs.fetch_add(1, std::memory_order_relaxed);
    if (wal_) counters_->wal_syncs.fetch_add(1, std::memory_order_relaxed);
  }

  const bool wal_;
  SharedCounters* counters_;
};

class CountingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit CountingFileSystem(SharedCounters* counters)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        counters_(counters) {}

  const char* Name() const override { return "CountingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(fname, target()->NewWritableFile(fname, file_opts, result, dbg),
                result);
  }
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& fname, const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(fname,
                target()->ReopenWritableFile(fname, file_opts, result, dbg),
                result);
  }
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& fname, const std::string& old_fname,
      const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(
        fname,
        target()->ReuseWritableFile(fname, old_fname, file_opts, result, dbg),
        result);
  }

 private:
  rocksdb::IOStatus Wrap(const std::string& fname, rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (s.ok()) {
      *result = std::make_unique<CountingFile>(
          std::move(*result), absl::EndsWith(fname, ".log"), counters_);
    }
    return s;
  }

  SharedCounters* counters_;
};

class CommitTimedStore : public storage::SignalStore {
 public:
  CommitTimedStore(std::unique_ptr<storage::SignalStore> store,
                   SharedCounters* counters)
      : store_(std::move(store)), counters_(counters) {}

  absl::StatusOr<std::vector<storage::AppendResult>> Append(
      std::vector<storage::PendingArticle> batch, absl::Time now) override {
    auto results = store_->Append(std::move(batch), now);
    if (!results.ok()) return results;
    const int64_t t = MonotonicNs();
    counters_->appends.fetch_add(1, std::memory_order_relaxed);
    for (const storage::AppendResult& r : *results) {
      for (uint64_t seq : r.seqs) {
        if (seq < SharedCounters::kMaxSeqs) {
          std::atomic_ref<int64_t>(counters_->commit_ns[seq])
              .store(t, std::memory_order_relaxed);
        }
      }
    }
    return results;
  }
  uint64_t head_seq() const override { return store_->head_seq(); }
  uint64_t first_seq() const override { return store_->first_seq(); }
  absl::Status TrimBefore(absl::Time cutoff) override {
    return store_->TrimBefore(cutoff);
  }
  absl::Status Trim(absl::Time now) override { return store_->Trim(now); }
  absl::StatusOr<v1::Signal> Get(uint64_t seq) const override {
    return store_->Get(seq);
  }
  absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return store_->Scan(after_seq, max_count, visit);
  }
  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const override {
    return store_->SeqBeforeTime(t);
  }
  absl::StatusOr<storage::IndexedSeqs> ListIndexed(
      const storage::IndexQuery& query, uint64_t after_seq,
      size_t max_count) const override {
    return store_->ListIndexed(query, after_seq, max_count);
  }
  absl::Status ReadSeqs(
      const std::vector<uint64_t>& seqs,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return store_->ReadSeqs(seqs, visit);
  }
  absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view key) const override {
    return store_->LookupKey(key);
  }
  absl::StatusOr<v1::Article> GetArticle(std::string_view key) const override {
    return store_->GetArticle(key);
  }

 private:
  std::unique_ptr<storage::SignalStore> store_;
  SharedCounters* counters_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(
    SharedCounters* counters) {
  return std::make_shared<CountingFileSystem>(counters);
}

std::unique_ptr<storage::SignalStore> NewCommitTimedStore(
    std::unique_ptr<storage::SignalStore> store, SharedCounters* counters) {
  return std::make_unique<CommitTimedStore>(std::move(store), counters);
}

}  // namespace tidings::load
