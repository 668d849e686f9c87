// Copyright 2026 The Tidings Authors.

#include "service/internal/log_record_codec.h"

#include <string>

#include "gtest/gtest.h"

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

TEST(LogRecordCodecTest, RoundTrips) {
  const storage::PendingArticle in = Sample();
  const absl::Time at = absl::FromUnixMicros(1765000000123456);
  absl::StatusOr<std::string> bytes = EncodeLogRecord(in, at);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<DecodedRecord> out = DecodeLogRecord(*bytes);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->ingested_at, at);
  EXPECT_EQ(out->article.idempotency_key, in.idempotency_key);
  EXPECT_FALSE(out->article.revision);
  EXPECT_EQ(out->article.article.SerializeAsString(),
            in.article.SerializeAsString());
  ASSERT_EQ(out->article.signals.size(), in.signals.size());
  for (size_t i = 0; i < in.signals.size(); ++i) {
    EXPECT_EQ(out->article.signals[i].SerializeAsString(),
              in.signals[i].SerializeAsString());
  }
}

TEST(LogRecordCodecTest, RoundTripsAnArticleWithoutSignals) {
  storage::PendingArticle in = Sample();
  in.signals.clear();
  absl::StatusOr<std::string> bytes =
      EncodeLogRecord(in, absl::UnixEpoch() + absl::Seconds(5));
  ASSERT_TRUE(bytes.ok());
  absl::StatusOr<DecodedRecord> out = DecodeLogRecord(*bytes);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->article.signals.empty());
  EXPECT_EQ(out->ingested_at, absl::UnixEpoch() + absl::Seconds(5));
}

TEST(LogRecordCodecTest, RefusesWhatItCannotReplicate) {
  storage::PendingArticle no_key = Sample();
  no_key.idempotency_key.clear();
  EXPECT_EQ(EncodeLogRecord(no_key, absl::Now()).status().code(),
            absl::StatusCode::kInvalidArgument);
  storage::PendingArticle revision = Sample();
  revision.revision = true;
  EXPECT_EQ(EncodeLogRecord(revision, absl::Now()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LogRecordCodecTest, ForeignBytesAreDataLoss) {
  EXPECT_EQ(DecodeLogRecord("\xff\xff\xff").status().code(),
            absl::StatusCode::kDataLoss);
  // Parses (empty message) but carries no key.
  EXPECT_EQ(DecodeLogRecord("").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tidings::service::internal
