// Copyright 2026 The Tidings Authors.

#include "service/internal/log_record_codec.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tidings/internal/log_record.pb.h"

namespace tidings::service::internal {
namespace {

storage::PendingArticle Sample() {
  storage::PendingArticle a;
  a.idempotency_key = "id:a-1";
  a.article.set_article_id("a-1");
  a.article.set_title("Acme beats estimates");
  a.article.set_body("Acme Corp reported earnings above estimates.");
  for (int i = 0; i < 2; ++i) {
    v1::Signal s;
    s.set_doc_index(i);
    s.set_fingerprint(0x1234 + i);
    s.set_exact_fingerprint(0x9876 + i);
    s.set_title(i == 0 ? "Acme beats" : "Acme guides up");
    a.signals.push_back(s);
  }
  return a;
}

storage::PendingArticle Sample(const std::string& id) {
  storage::PendingArticle a = Sample();
  a.idempotency_key = "id:" + id;
  a.article.set_article_id(id);
  return a;
}

void ExpectSameArticle(const storage::PendingArticle& out,
                       const storage::PendingArticle& in) {
  EXPECT_EQ(out.idempotency_key, in.idempotency_key);
  EXPECT_FALSE(out.revision);
  EXPECT_EQ(out.article.SerializeAsString(), in.article.SerializeAsString());
  ASSERT_EQ(out.signals.size(), in.signals.size());
  for (size_t i = 0; i < in.signals.size(); ++i) {
    EXPECT_EQ(out.signals[i].SerializeAsString(),
              in.signals[i].SerializeAsString());
  }
}

TEST(LogRecordCodecTest, ABatchRoundTripsAsOneRecord) {
  std::vector<storage::PendingArticle> in = {Sample("a-1"), Sample("a-2"),
                                             Sample("a-1")};
  in[1].signals.clear();  // An article without signals.
  const absl::Time at = absl::FromUnixMicros(1765000000123456);
  EncodedBatch encoded = EncodeLogRecords(in, at);
  EXPECT_TRUE(encoded.refused.empty());
  ASSERT_EQ(encoded.records.size(), 1u);
  EXPECT_EQ(encoded.records[0].articles, (std::vector<size_t>{0, 1, 2}));
  absl::StatusOr<DecodedRecord> out = DecodeLogRecord(encoded.records[0].bytes);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->ingested_at, at);
  ASSERT_EQ(out->articles.size(), 3u);
  for (size_t i = 0; i < in.size(); ++i)
    ExpectSameArticle(out->articles[i], in[i]);
}

TEST(LogRecordCodecTest, ChunksByArticlesAndBytes) {
  std::vector<storage::PendingArticle> in;
  for (int i = 0; i < 5; ++i) in.push_back(Sample(absl::StrCat("a-", i)));
  RecordLimits by_count;
  by_count.max_articles = 2;
  EncodedBatch encoded = EncodeLogRecords(in, absl::Now(), by_count);
  ASSERT_EQ(encoded.records.size(), 3u);
  EXPECT_EQ(encoded.records[0].articles, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(encoded.records[1].articles, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(encoded.records[2].articles, (std::vector<size_t>{4}));

  // Each record stays within max_bytes unless one article alone is larger.
  const size_t one =
      EncodeLogRecords({in[0]}, absl::Now()).records[0].bytes.size();
  RecordLimits by_bytes;
  by_bytes.max_bytes = 2 * one + one / 2;
  encoded = EncodeLogRecords(in, absl::Now(), by_bytes);
  ASSERT_EQ(encoded.records.size(), 3u);
  size_t next = 0;
  for (const EncodedRecord& r : encoded.records) {
    EXPECT_LE(r.bytes.size(), by_bytes.max_bytes);
    absl::StatusOr<DecodedRecord> out = DecodeLogRecord(r.bytes);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ(out->articles.size(), r.articles.size());
    for (size_t k = 0; k < r.articles.size(); ++k) {
      EXPECT_EQ(r.articles[k], next);
      ExpectSameArticle(out->articles[k], in[next++]);
    }
  }
  EXPECT_EQ(next, in.size());
  RecordLimits tiny;
  tiny.max_bytes = 1;
  encoded = EncodeLogRecords(in, absl::Now(), tiny);
  EXPECT_EQ(encoded.records.size(), in.size());
  EXPECT_TRUE(encoded.refused.empty());
}

TEST(LogRecordCodecTest, RefusesWhatItCannotReplicateAndKeepsTheRest) {
  std::vector<storage::PendingArticle> in = {Sample("a-1"), Sample("a-2"),
                                             Sample("a-3"), Sample("a-4")};
  in[1].idempotency_key.clear();
  in[2].revision = true;
  in[3].article.set_body(std::string(5000, 'x'));
  RecordLimits limits;
  limits.max_payload = 4000;
  EncodedBatch encoded = EncodeLogRecords(in, absl::Now(), limits);
  ASSERT_EQ(encoded.records.size(), 1u);
  EXPECT_EQ(encoded.records[0].articles, (std::vector<size_t>{0}));
  ASSERT_EQ(encoded.refused.size(), 3u);
  EXPECT_EQ(encoded.refused[0].first, 1u);
  EXPECT_EQ(encoded.refused[0].second.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(encoded.refused[1].first, 2u);
  EXPECT_EQ(encoded.refused[1].second.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(encoded.refused[2].first, 3u);
  EXPECT_EQ(encoded.refused[2].second.code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_NE(encoded.refused[2].second.message().find("id:a-4"),
            std::string::npos);
  EXPECT_NE(encoded.refused[2].second.message().find("4000 bytes"),
            std::string::npos)
      << encoded.refused[2].second;
}

TEST(LogRecordCodecTest, ForeignBytesAreDataLoss) {
  EXPECT_EQ(DecodeLogRecord("\xff\xff\xff").status().code(),
            absl::StatusCode::kDataLoss);
  // Parses (empty message) but carries no article.
  EXPECT_EQ(DecodeLogRecord("").status().code(), absl::StatusCode::kDataLoss);
  // A record of the old one-article format (fields 1-3 of LogArticle).
  tidings::internal::LogArticle old;
  old.set_idempotency_key("id:a-long-enough-key-0001");
  old.mutable_article()->set_article_id("a-long-enough-key-0001");
  EXPECT_EQ(DecodeLogRecord(old.SerializeAsString()).status().code(),
            absl::StatusCode::kDataLoss);
  // An article without its key: the whole record is refused.
  std::vector<storage::PendingArticle> in = {Sample("a-1")};
  std::string bytes = EncodeLogRecords(in, absl::Now()).records[0].bytes;
  tidings::internal::LogRecord record;
  ASSERT_TRUE(record.ParseFromString(bytes));
  record.add_articles();  // No key.
  EXPECT_EQ(DecodeLogRecord(record.SerializeAsString()).status().code(),
            absl::StatusCode::kDataLoss);
}

// A rescore's revisions (Rescore in cluster mode): the flag and the
// signals' rescore_of_seq and duplicate_of_seq travel, the article does not.
TEST(LogRecordCodecTest, ARevisionRoundTripsWithoutItsArticle) {
  std::vector<storage::PendingArticle> in = {Sample("a-1")};
  in[0].idempotency_key = "rescore:v2|id:a-1";
  in[0].revision = true;
  for (size_t i = 0; i < in[0].signals.size(); ++i) {
    in[0].signals[i].set_rescore_of_seq(7 + i);
    in[0].signals[i].set_duplicate_of_seq(3);
  }
  EncodedBatch encoded = EncodeLogRecords(in, absl::Now());
  ASSERT_TRUE(encoded.refused.empty());
  ASSERT_EQ(encoded.records.size(), 1u);
  absl::StatusOr<DecodedRecord> out = DecodeLogRecord(encoded.records[0].bytes);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->articles.size(), 1u);
  const storage::PendingArticle& a = out->articles[0];
  EXPECT_TRUE(a.revision);
  EXPECT_EQ(a.idempotency_key, "rescore:v2|id:a-1");
  EXPECT_EQ(a.article.ByteSizeLong(), 0u);
  ASSERT_EQ(a.signals.size(), 2u);
  EXPECT_EQ(a.signals[1].rescore_of_seq(), 8u);
  EXPECT_EQ(a.signals[1].duplicate_of_seq(), 3u);
}

}  // namespace
}  // namespace tidings::service::internal
