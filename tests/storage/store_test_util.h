// Copyright 2026 The Tidings Authors.
//
// store_test_util.h: helpers shared by the storage tests: a per-test
// temporary directory, builders for articles and signals, and a status
// matcher (Abseil 20220623 ships none).

#ifndef TIDINGS_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define TIDINGS_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::storage::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object goes away.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
        "/tidings_storage_test.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = mkdtemp(buffer.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp(" << pattern << ") failed";
    } else {
      path_ = made;
    }
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory (the store creates it).
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline absl::Status StatusOf(const absl::Status& s) { return s; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER_P(StatusIs, code,
          std::string(negation ? "does not have" : "has") + " code " +
              absl::StatusCodeToString(code)) {
  const absl::Status status = StatusOf(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code;
}

MATCHER(IsOk, std::string(negation ? "is not" : "is") + " OK") {
  const absl::Status status = StatusOf(arg);
  *result_listener << "status is " << status.ToString();
  return status.ok();
}

// An OK StatusOr whose value matches `inner`.
MATCHER_P(IsOkAndHolds, inner, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

inline tidings::v1::Signal MakeSignal(
    const std::string& article_id, uint32_t doc_index, uint64_t fingerprint = 0,
    std::initializer_list<tidings::v1::EventType> events = {}) {
  tidings::v1::Signal signal;
  signal.set_article_id(article_id);
  signal.set_doc_index(doc_index);
  signal.set_title(article_id + "#" + std::to_string(doc_index));
  signal.set_source("test");
  signal.set_fingerprint(fingerprint);
  signal.set_scorer_version("test-1");
  for (tidings::v1::EventType type : events) {
    tidings::v1::Event* event = signal.add_events();
    event->set_type(type);
    event->set_relevance(0.9);
  }
  return signal;
}

// An article with id `id`, key "id:<id>" and `n_signals` plain signals.
inline PendingArticle MakeArticle(const std::string& id, int n_signals = 1) {
  PendingArticle pending;
  pending.idempotency_key = "id:" + id;
  pending.article.set_article_id(id);
  pending.article.set_source("test");
  pending.article.set_body("body of " + id);
  for (int i = 0; i < n_signals; ++i) {
    pending.signals.push_back(MakeSignal(id, static_cast<uint32_t>(i)));
  }
  return pending;
}

// An article whose single signal has this fingerprint and these events.
inline PendingArticle MakeArticleWith(
    const std::string& id, uint64_t fingerprint,
    std::initializer_list<tidings::v1::EventType> events = {}) {
  PendingArticle pending = MakeArticle(id, 0);
  pending.signals.push_back(MakeSignal(id, 0, fingerprint, events));
  return pending;
}

inline std::vector<PendingArticle> Batch(std::vector<PendingArticle> articles) {
  return articles;
}

// The seqs of Scan(after_seq, max_count), visiting every signal.
inline std::vector<uint64_t> ScanSeqs(const SignalStore& store,
                                      uint64_t after_seq = 0,
                                      uint64_t max_count = 0) {
  std::vector<uint64_t> seqs;
  absl::Status s =
      store.Scan(after_seq, max_count, [&](const tidings::v1::Signal& signal) {
        seqs.push_back(signal.seq());
        return true;
      });
  EXPECT_TRUE(s.ok()) << s;
  return seqs;
}

// A test with a store directory: options_.path is <temp>/db, WAL syncs off
// (durability is the fault test's business); Open(path) opens a store with
// these options at `path`.
class StoreDirTest : public ::testing::Test {
 protected:
  StoreDirTest() {
    options_.path = dir_.Sub("db");
    options_.sync = false;
  }

  std::unique_ptr<SignalStore> Open(const std::string& path) {
    StoreOptions options = options_;
    options.path = path;
    absl::StatusOr<std::unique_ptr<SignalStore>> store =
        SignalStore::Open(options);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  TempDir dir_;
  StoreOptions options_;
};

inline std::vector<uint64_t> Iota(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

}  // namespace tidings::storage::testing

#endif  // TIDINGS_TESTS_STORAGE_STORE_TEST_UTIL_H_
