// Copyright 2026 The Tidings Authors.
//
// fault_fs.h: a rocksdb::FileSystem wrapper that injects write failures, for
// storage and service tests (issue 5, item 7). Pass it to RocksDB as an Env
// made with rocksdb::NewCompositeEnv(fs) (storage::StoreOptions::env, or
// service::ServerDeps::store_env). A read-only directory would not do: the
// tests may run as root and RocksDB keeps its WAL open across writes.
//
//   FaultState state;
//   auto fs = std::make_shared<FaultyFileSystem>(&state);
//   std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
//   ... open the store with env.get() ...
//   state.fault = Fault::kWrites;   // every write fails from now on
//   state.fault = Fault::kNone;     // the fault clears

#ifndef TIDINGS_TESTS_TESTING_FAULT_FS_H_
#define TIDINGS_TESTS_TESTING_FAULT_FS_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/io_status.h"

namespace tidings::testing {

// What the injected fault breaks.
enum class Fault {
  kNone,
  kWrites,  // Every append, flush and sync of every file fails.
  kSyncs,   // Data reaches the files but no sync succeeds (fsync EIO).
};

struct FaultState {
  std::atomic<Fault> fault{Fault::kNone};
  std::atomic<int> injected{0};

  rocksdb::IOStatus Check(bool is_sync) {
    const Fault f = fault.load();
    if (f == Fault::kWrites || (f == Fault::kSyncs && is_sync)) {
      ++injected;
      return rocksdb::IOStatus::IOError("injected fault");
    }
    return rocksdb::IOStatus::OK();
  }
};

class FaultyWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target,
                     FaultState* state)
      : FSWritableFileOwnerWrapper(std::move(target)), state_(state) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/false);
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, dbg) : s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/false);
    return s.ok() ? FSWritableFileOwnerWrapper::Append(data, options, info, dbg)
                  : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/false);
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(data, offset,
                                                                 options, dbg)
                  : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/false);
    return s.ok() ? FSWritableFileOwnerWrapper::PositionedAppend(
                        data, offset, options, info, dbg)
                  : s;
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/false);
    return s.ok() ? FSWritableFileOwnerWrapper::Flush(options, dbg) : s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/true);
    return s.ok() ? FSWritableFileOwnerWrapper::Sync(options, dbg) : s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/true);
    return s.ok() ? FSWritableFileOwnerWrapper::Fsync(options, dbg) : s;
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_->Check(/*is_sync=*/true);
    return s.ok() ? FSWritableFileOwnerWrapper::RangeSync(offset, nbytes,
                                                          options, dbg)
                  : s;
  }

 private:
  FaultState* state_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(FaultState* state)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), state_(state) {}

  const char* Name() const override { return "FaultyFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& fname, const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->NewWritableFile(fname, file_opts, result, dbg),
                result);
  }
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& fname, const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReopenWritableFile(fname, file_opts, result, dbg),
                result);
  }
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& fname, const std::string& old_fname,
      const rocksdb::FileOptions& file_opts,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    return Wrap(
        target()->ReuseWritableFile(fname, old_fname, file_opts, result, dbg),
        result);
  }

 private:
  rocksdb::IOStatus Wrap(rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (s.ok()) {
      *result =
          std::make_unique<FaultyWritableFile>(std::move(*result), state_);
    }
    return s;
  }

  FaultState* state_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_TESTING_FAULT_FS_H_
