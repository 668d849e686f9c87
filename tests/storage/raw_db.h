// Copyright 2026 The Tidings Authors.
//
// raw_db.h: a store's RocksDB database opened directly, with every column
// family, for tests that inspect what the store wrote or rewrite it as an
// older version would have. The store must be closed. Tests using it link
// RocksDB::rocksdb.

#ifndef TIDINGS_TESTS_STORAGE_RAW_DB_H_
#define TIDINGS_TESTS_STORAGE_RAW_DB_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace tidings::storage::testing {

class RawDb {
 public:
  // Null (with a test failure) when the database cannot be opened.
  static std::unique_ptr<RawDb> Open(const std::string& path,
                                     bool read_only = false) {
    auto raw = std::unique_ptr<RawDb>(new RawDb());
    std::vector<std::string> names;
    rocksdb::Status s =
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    s = read_only ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path,
                                                 descriptors, &handles, &db)
                  : rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors,
                                      &handles, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return nullptr;
    raw->db_.reset(db);
    for (size_t i = 0; i < names.size(); ++i) raw->cfs_[names[i]] = handles[i];
    return raw;
  }

  ~RawDb() {
    for (auto& [name, handle] : cfs_) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  rocksdb::DB& db() { return *db_; }
  // The handle of column family `name` ("default" for the meta keys); null
  // when the store has none of that name.
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) const {
    auto it = cfs_.find(name);
    return it == cfs_.end() ? nullptr : it->second;
  }
  const std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs() const {
    return cfs_;
  }

 private:
  RawDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

}  // namespace tidings::storage::testing

#endif  // TIDINGS_TESTS_STORAGE_RAW_DB_H_
