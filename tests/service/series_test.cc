// Copyright 2026 The Tidings Authors.
//
// Tests of the Series RPC (service/internal/series.h) on a real server over
// RocksDB: random stores of a few thousand signals, every bucket, group,
// dedup, time field and normalisation compared with a brute-force recount
// from Query's signals; validation; the columns after more ingests and a
// trim.

#include "service/internal/series.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/convert.h"
#include "storage/signal_store.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using service::FromProto;
using service::ToProto;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
constexpr int kDays = 40;

// Random signals: a few sources and entities, 0-3 events of random types,
// directions and relevances (multiples of 0.05, so that the relevance
// threshold is hit exactly), sentiments on the histogram's bin edges too,
// published and received times (or none), and fingerprints from a small
// pool (so that Append marks near-duplicates).
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  storage::PendingArticle Article(int id) {
    storage::PendingArticle p;
    p.idempotency_key = absl::StrCat("id:a", id);
    p.article.set_article_id(absl::StrCat("a", id));
    p.article.set_body("x");
    v1::Signal s;
    s.set_article_id(p.article.article_id());
    s.set_source(absl::StrCat("src", Uniform(0, 4)));
    for (int k = Uniform(0, 2); k >= 0; --k) {
      s.add_entities()->set_id(absl::StrCat("country:C", Uniform(0, 7)));
    }
    for (int k = Uniform(0, 3); k > 0; --k) {
      v1::Event* e = s.add_events();
      e->set_type(static_cast<v1::EventType>(Uniform(1, 4)));
      e->set_direction(static_cast<v1::Direction>(Uniform(1, 11)));
      e->set_relevance(0.05 * Uniform(1, 20));
      if (Uniform(0, 3) == 0) {
        e->add_actors(absl::StrCat("person:p", Uniform(0, 2)));
      }
    }
    s.mutable_sentiment()->set_score(0.1 * Uniform(-10, 10));
    if (Uniform(0, 9) != 0) {
      ToProto(kT0 + absl::Seconds(Uniform(-86400, kDays * 86400)) +
                  absl::Nanoseconds(Uniform(0, 999999999)),
              s.mutable_published_at());
    }
    if (Uniform(0, 2) == 0) {
      ToProto(kT0 + absl::Seconds(Uniform(0, kDays * 86400)),
              s.mutable_received_at());
    }
    if (Uniform(0, 3) != 0) s.set_fingerprint(1000 + Uniform(0, 150));
    p.signals.push_back(std::move(s));
    return p;
  }

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

 private:
  std::mt19937 rng_;
};

// Fills `store` with `n` articles in batches over kDays days after `start`.
void Fill(storage::SignalStore* store, Generator* gen, int first_id, int n,
          absl::Time start) {
  absl::Time now = start;
  for (int i = 0; i < n;) {
    std::vector<storage::PendingArticle> batch;
    for (int k = gen->Uniform(1, 20); k > 0 && i < n; --k, ++i) {
      batch.push_back(gen->Article(first_id + i));
    }
    ASSERT_TRUE(store->Append(std::move(batch), now).ok());
    now += absl::Seconds(gen->Uniform(0, kDays * 86400 * 20 / n));
  }
}

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

// What a point should say, recounted from full signals.
struct Expected {
  uint64_t articles = 0, events = 0;
  double sentiment = 0, event_sentiment = 0;
  uint64_t histogram[5] = {};
};

int Bin(double score) {
  if (score < -0.6) return 0;
  if (score < -0.2) return 1;
  if (score < 0.2) return 2;
  if (score < 0.6) return 3;
  return 4;
}

std::vector<std::string> EntityIds(const v1::Signal& s) {
  std::set<std::string> ids;
  for (const v1::Entity& e : s.entities()) ids.insert(e.id());
  for (const v1::Event& e : s.events()) {
    for (const std::string& a : e.actors()) ids.insert(a);
  }
  return {ids.begin(), ids.end()};
}

template <typename T>
bool In(const google::protobuf::RepeatedField<T>& list, T v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}
bool In(const google::protobuf::RepeatedPtrField<std::string>& list,
        const std::string& v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

// The brute force: (group, bucket start) -> cell, over [since, until).
std::map<std::pair<std::string, int64_t>, Expected> Recount(
    const std::vector<v1::Signal>& signals, const v1::SeriesRequest& r,
    int64_t since, int64_t until) {
  std::map<std::pair<std::string, int64_t>, Expected> out;
  const double min = r.min_relevance() == 0 ? 0.4 : r.min_relevance();
  for (const v1::Signal& s : signals) {
    const google::protobuf::Timestamp* ts =
        r.time_field() == v1::PUBLISHED_AT  ? &s.published_at()
        : r.time_field() == v1::RECEIVED_AT ? &s.received_at()
                                            : &s.ingested_at();
    if ((r.time_field() == v1::PUBLISHED_AT && !s.has_published_at()) ||
        (r.time_field() == v1::RECEIVED_AT && !s.has_received_at())) {
      continue;
    }
    const int64_t t = Micros(*ts);
    if (t < since || t >= until) continue;
    if (r.dedup_near_duplicates() && s.duplicate_of_seq() != 0) continue;
    if (!In(r.sources(), s.source())) continue;
    const std::vector<std::string> ids = EntityIds(s);
    if (!r.entities().empty() &&
        std::none_of(ids.begin(), ids.end(), [&](const std::string& id) {
          return In(r.entities(), id);
        })) {
      continue;
    }
    std::set<int> types;
    for (const v1::Event& e : s.events()) {
      if (e.relevance() >= min && In(r.event_types(), int(e.type())) &&
          In(r.directions(), int(e.direction()))) {
        types.insert(e.type());
      }
    }
    const int64_t bucket = service::internal::BucketStart(r.bucket(), t);
    std::vector<std::pair<std::string, bool>> groups;
    switch (r.group_by()) {
      case v1::GROUP_BY_SOURCE:
        groups.emplace_back(s.source(), !types.empty());
        break;
      case v1::GROUP_BY_ENTITY:
        for (const std::string& id : ids) {
          if (In(r.entities(), id)) groups.emplace_back(id, !types.empty());
        }
        break;
      case v1::GROUP_BY_EVENT_TYPE:
        for (int type = 1; type <= 4; ++type) {
          if (In(r.event_types(), type)) {
            groups.emplace_back(v1::EventType_Name(type), types.count(type));
          }
        }
        break;
      default:
        groups.emplace_back("", !types.empty());
    }
    const double score = s.sentiment().score();
    for (const auto& [key, event] : groups) {
      Expected& x = out[{key, bucket}];
      ++x.articles;
      x.sentiment += score;
      ++x.histogram[Bin(score)];
      if (event) {
        ++x.events;
        x.event_sentiment += score;
      }
    }
  }
  return out;
}

class SeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.path = dir_.path() + "/db";
    options.sync = false;
    absl::StatusOr<std::unique_ptr<storage::SignalStore>> store =
        storage::SignalStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->get();
    ASSERT_NO_FATAL_FAILURE(Fill(store_, &gen_, 0, 3000, kT0));
    service::ServerDeps deps;
    deps.scorer = SharedScorer();
    deps.store = *std::move(store);
    deps.clock = [] { return kT0 + absl::Hours(24 * 400); };
    absl::StatusOr<std::unique_ptr<service::Server>> server =
        service::Server::Start(TestOptions(), std::move(deps));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::Tidings::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status Series(const v1::SeriesRequest& r, v1::SeriesResponse* out) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub_->Series(&ctx, r, out);
  }

  // Every signal, full, all events kept.
  std::vector<v1::Signal> AllSignals() {
    v1::QueryRequest q;
    q.mutable_filter()->set_include_duplicates(true);
    q.mutable_filter()->set_min_relevance(1e-9);
    q.set_view(v1::SIGNAL_VIEW_COMPACT);
    std::vector<v1::Signal> out;
    std::vector<int> sizes;
    EXPECT_TRUE(RunQueryBatches(*stub_, q, &out, &sizes).ok());
    return out;
  }

  // Runs `r` and compares every point with the recount.
  void ExpectAgrees(const v1::SeriesRequest& r,
                    const std::vector<v1::Signal>& signals) {
    SCOPED_TRACE(r.ShortDebugString());
    v1::SeriesResponse resp;
    grpc::Status s = Series(r, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    const int64_t since = Micros(r.since()), until = Micros(r.until());
    auto expected = Recount(signals, r, since, until);
    std::map<std::string, double> base_means;
    if (r.has_index_base()) {
      auto base = Recount(signals, r, Micros(r.index_base().since()),
                          Micros(r.index_base().until()));
      std::map<std::string, std::pair<double, int>> sums;
      for (const auto& [key, x] : base) {
        sums[key.first].first += double(x.events) / double(x.articles);
        ++sums[key.first].second;
      }
      for (const auto& [k, v] : sums) base_means[k] = v.first / v.second;
    }
    std::set<std::string> groups;
    for (const auto& [key, x] : expected) groups.insert(key.first);
    if (r.group_by() == v1::GROUP_BY_NONE) groups.insert("");
    if (r.group_by() == v1::GROUP_BY_EVENT_TYPE) {
      for (int t = 1; t <= 4; ++t) {
        if (In(r.event_types(), t)) groups.insert(v1::EventType_Name(t));
      }
    }
    const int64_t width = service::internal::BucketWidth(r.bucket());
    const int64_t first = service::internal::BucketStart(r.bucket(), since);
    const int64_t buckets =
        (service::internal::BucketStart(r.bucket(), until - 1) - first) /
            width +
        1;
    ASSERT_EQ(resp.points_size(), int64_t(groups.size()) * buckets);
    EXPECT_EQ(Micros(resp.since()), first);
    EXPECT_EQ(Micros(resp.until()), first + buckets * width);
    int i = 0;
    for (const std::string& group : groups) {
      for (int64_t b = 0; b < buckets; ++b, ++i) {
        const v1::SeriesPoint& p = resp.points(i);
        const int64_t start = first + b * width;
        ASSERT_EQ(p.group(), group);
        ASSERT_EQ(Micros(p.start()), start);
        Expected x;
        if (auto it = expected.find({group, start}); it != expected.end()) {
          x = it->second;
        }
        ASSERT_EQ(p.article_count(), x.articles) << group << " " << b;
        ASSERT_EQ(p.event_count(), x.events) << group << " " << b;
        const double share = x.articles ? double(x.events) / x.articles : 0;
        EXPECT_NEAR(p.event_share(), share, 1e-12);
        EXPECT_NEAR(p.mean_sentiment(),
                    x.articles ? x.sentiment / x.articles : 0, 1e-9);
        EXPECT_NEAR(p.event_mean_sentiment(),
                    x.events ? x.event_sentiment / x.events : 0, 1e-9);
        ASSERT_EQ(p.sentiment_histogram_size(), 5);
        for (int h = 0; h < 5; ++h) {
          EXPECT_EQ(p.sentiment_histogram(h), x.histogram[h]);
        }
        const auto mean = base_means.find(group);
        if (r.has_index_base() && mean != base_means.end() &&
            mean->second > 0 && x.articles > 0) {
          ASSERT_TRUE(p.has_index());
          EXPECT_NEAR(p.index(), 100 * share / mean->second, 1e-9);
        } else {
          EXPECT_FALSE(p.has_index());
        }
      }
    }
  }

  TempDir dir_;
  Generator gen_{20261206};
  storage::SignalStore* store_ = nullptr;  // Owned by the server.
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
};

v1::SeriesRequest Request(v1::SeriesBucket bucket, absl::Time since,
                          absl::Time until) {
  v1::SeriesRequest r;
  r.set_bucket(bucket);
  ToProto(since, r.mutable_since());
  ToProto(until, r.mutable_until());
  return r;
}

TEST_F(SeriesTest, EveryCombinationAgreesWithABruteForceRecount) {
  const std::vector<v1::Signal> signals = AllSignals();
  ASSERT_EQ(signals.size(), 3000u);
  int duplicates = 0;
  for (const v1::Signal& s : signals) duplicates += s.duplicate_of_seq() != 0;
  ASSERT_GT(duplicates, 100);  // The dedup cases mean something.
  struct Window {
    v1::SeriesBucket bucket;
    absl::Time since, until;
  };
  const Window windows[] = {
      {v1::MINUTE, kT0 + absl::Hours(24 * 3), kT0 + absl::Hours(24 * 3 + 5)},
      {v1::HOUR, kT0 + absl::Minutes(90), kT0 + absl::Hours(24 * 6)},
      {v1::DAY, kT0 - absl::Hours(30), kT0 + absl::Hours(24 * kDays)},
      {v1::WEEK, kT0 + absl::Seconds(1), kT0 + absl::Hours(24 * kDays + 7)},
  };
  int runs = 0;
  for (const Window& w : windows) {
    for (int group = 1; group <= 4; ++group) {
      for (int field = 1; field <= 3; ++field) {
        for (int variant = 0; variant < 4; ++variant) {
          v1::SeriesRequest r = Request(w.bucket, w.since, w.until);
          r.set_group_by(static_cast<v1::SeriesGroupBy>(group));
          r.set_time_field(static_cast<v1::TimeField>(field));
          r.set_dedup_near_duplicates(variant % 2 == 1);
          if (variant >= 2) {
            r.add_entities("country:C1");
            r.add_entities("person:p0");
            r.add_entities("country:C5");
            r.add_sources("src1");
            r.add_sources("src3");
            r.add_event_types(v1::TARIFF);
            r.add_event_types(v1::GEOPOLITICAL_TENSION);
            r.add_directions(v1::ESCALATION);
            r.add_directions(v1::IMPOSED);
            r.add_directions(v1::THREATENED);
            r.set_min_relevance(0.5);
          }
          if (variant == 1 || variant == 2) {
            ToProto(w.since, r.mutable_index_base()->mutable_since());
            ToProto(w.since + (w.until - w.since) / 2,
                    r.mutable_index_base()->mutable_until());
          }
          ASSERT_NO_FATAL_FAILURE(ExpectAgrees(r, signals));
          ++runs;
        }
      }
    }
  }
  EXPECT_EQ(runs, 4 * 4 * 3 * 4);
}

TEST_F(SeriesTest, TheColumnsFollowIngestsAndTrims) {
  v1::SeriesRequest r =
      Request(v1::DAY, kT0 - absl::Hours(24), kT0 + absl::Hours(24 * 500));
  r.set_group_by(v1::GROUP_BY_SOURCE);
  ASSERT_NO_FATAL_FAILURE(ExpectAgrees(r, AllSignals()));  // Loads.
  // More signals straight into the store (the catch-up path), then through
  // Ingest (the committer's path: scored articles, the server's clock).
  ASSERT_NO_FATAL_FAILURE(
      Fill(store_, &gen_, 5000, 700, kT0 + absl::Hours(24 * kDays)));
  std::vector<v1::Article> articles;
  for (int i = 0; i < 30; ++i) {
    articles.push_back(MakeArticle(absl::StrCat("ingested", i), i, "wire"));
  }
  IngestOrDie(*stub_, articles);
  ASSERT_NO_FATAL_FAILURE(ExpectAgrees(r, AllSignals()));
  // A trim of the first weeks, as retention would.
  ASSERT_TRUE(store_->TrimBefore(kT0 + absl::Hours(24 * 15)).ok());
  const std::vector<v1::Signal> left = AllSignals();
  ASSERT_LT(left.size(), 3730u);
  ASSERT_NO_FATAL_FAILURE(ExpectAgrees(r, left));
  v1::SeriesResponse resp;
  ASSERT_TRUE(Series(r, &resp).ok());
  EXPECT_EQ(resp.first_seq(), store_->first_seq());
  EXPECT_EQ(resp.head_seq(), store_->head_seq());
  r.set_time_field(v1::PUBLISHED_AT);
  ASSERT_NO_FATAL_FAILURE(ExpectAgrees(r, left));
}

TEST_F(SeriesTest, RefusesWhatItCannotServeWithAHint) {
  const absl::Time a = kT0, b = kT0 + absl::Hours(24 * 10);
  struct Case {
    std::function<void(v1::SeriesRequest*)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::SeriesRequest* r) { r->clear_since(); }, "since is required"},
      {[&](v1::SeriesRequest* r) { ToProto(a, r->mutable_until()); },
       "until must be after since"},
      {[](v1::SeriesRequest* r) {
         r->set_bucket(v1::SERIES_BUCKET_UNSPECIFIED);
       },
       "bucket: required"},
      {[](v1::SeriesRequest* r) {
         r->set_bucket(static_cast<v1::SeriesBucket>(9));
       },
       "bucket: unknown value"},
      {[](v1::SeriesRequest* r) {
         r->set_group_by(static_cast<v1::SeriesGroupBy>(7));
       },
       "group_by: unknown value 7"},
      {[](v1::SeriesRequest* r) {
         r->set_time_field(static_cast<v1::TimeField>(5));
       },
       "time_field: unknown value 5"},
      {[](v1::SeriesRequest* r) {
         r->add_event_types(v1::EVENT_TYPE_UNSPECIFIED);
       },
       "event_types: unknown event type 0"},
      {[](v1::SeriesRequest* r) {
         r->add_directions(static_cast<v1::Direction>(40));
       },
       "directions: unknown direction 40"},
      {[](v1::SeriesRequest* r) { r->set_min_relevance(1.5); },
       "min_relevance must be in [0, 1]"},
      {[](v1::SeriesRequest* r) { r->add_entities(""); }, "entity id is empty"},
      {[](v1::SeriesRequest* r) { r->add_sources(""); }, "a source is empty"},
      {[](v1::SeriesRequest* r) { r->set_bucket(v1::MINUTE); },
       "holds 14400 MINUTE buckets, over the limit of 1000 points"},
      {[](v1::SeriesRequest* r) { r->set_max_points(200000); },
       "max_points is at most 100000"},
      {[](v1::SeriesRequest* r) { r->mutable_index_base(); },
       "index_base.until is required"},
      {[&](v1::SeriesRequest* r) {
         ToProto(b, r->mutable_index_base()->mutable_since());
         ToProto(a, r->mutable_index_base()->mutable_until());
       },
       "index_base.until must be after index_base.since"},
      {[](v1::SeriesRequest* r) { r->mutable_since()->set_nanos(-1); },
       "since"},
  };
  for (const Case& c : cases) {
    v1::SeriesRequest r = Request(v1::DAY, a, b);
    r.set_max_points(1000);
    c.edit(&r);
    v1::SeriesResponse resp;
    grpc::Status s = Series(r, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }
  // Too many groups: found while counting.
  v1::SeriesRequest r = Request(v1::DAY, a, b);
  r.set_group_by(v1::GROUP_BY_ENTITY);
  r.set_max_points(25);
  v1::SeriesResponse resp;
  grpc::Status s = Series(r, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("narrow the groups"));
}

// Runs the `tidings` binary with `args` (stderr to /dev/null); its stdout.
std::string RunTidings(const std::string& args, int* exit_code) {
  const std::string command =
      absl::StrCat("'", TIDINGS_BINARY, "' ", args, " 2>/dev/null");
  std::FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Whether `xml` is well-formed enough for a browser: every element closed
// in order, attributes quoted, text without a raw '<' or a bare '&'.
bool WellFormed(const std::string& xml, std::string* why) {
  std::vector<std::string> open;
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const size_t semi = xml.find(';', i);
      const std::string entity = xml.substr(i, semi - i + 1);
      if (semi == std::string::npos ||
          !(entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
            entity == "&quot;" || entity == "&apos;")) {
        *why = absl::StrCat("bad entity at ", i);
        return false;
      }
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) {
      *why = "unterminated tag";
      return false;
    }
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.front() == '?') continue;  // The XML declaration.
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) {
      *why = absl::StrCat("unbalanced quotes in <", tag, ">");
      return false;
    }
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) {
        *why = absl::StrCat("</", tag.substr(1), "> closes nothing open");
        return false;
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    const std::string name = tag.substr(0, tag.find_first_of(" /"));
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) *why = absl::StrCat("<", open.back(), "> never closed");
  return open.empty();
}

TEST_F(SeriesTest, TheCliPrintsATableCsvAndAnSvgChart) {
  const std::string server =
      absl::StrCat(" --server 127.0.0.1:", server_->port());
  const std::string window =
      " --since 2026-01-01 --until 2026-01-15 --bucket day --group-by source"
      " --events tariff,geopolitical --base-since 2026-01-01"
      " --base-until 2026-01-08";
  v1::SeriesRequest r = Request(v1::DAY, kT0, kT0 + absl::Hours(24 * 14));
  r.set_group_by(v1::GROUP_BY_SOURCE);
  r.add_event_types(v1::TARIFF);
  r.add_event_types(v1::GEOPOLITICAL_TENSION);
  r.set_dedup_near_duplicates(true);
  ToProto(kT0, r.mutable_index_base()->mutable_since());
  ToProto(kT0 + absl::Hours(24 * 7), r.mutable_index_base()->mutable_until());
  v1::SeriesResponse expected;
  ASSERT_TRUE(Series(r, &expected).ok());
  ASSERT_EQ(expected.points_size(), 5 * 14);

  int code = -1;
  const std::vector<std::string> table =
      SplitLines(RunTidings("series" + server + window, &code));
  ASSERT_EQ(code, 0);
  ASSERT_EQ(table.size(), 1u + expected.points_size());
  EXPECT_THAT(table[0], HasSubstr("articles"));
  EXPECT_THAT(table[0], HasSubstr("index"));
  // Aligned: the numbers end in the same column on every line.
  for (const std::string& line : table) {
    EXPECT_EQ(line.size(), table[0].size()) << line;
  }

  const std::vector<std::string> csv =
      SplitLines(RunTidings("series --csv" + server + window, &code));
  ASSERT_EQ(code, 0);
  ASSERT_EQ(csv.size(), 1u + expected.points_size());
  EXPECT_EQ(csv[0],
            "start,group,articles,events,share_pct,mean_sentiment,"
            "event_sentiment,sentiment_bins,index");
  for (int i = 0; i < expected.points_size(); ++i) {
    const v1::SeriesPoint& p = expected.points(i);
    std::vector<std::string> cells = absl::StrSplit(csv[i + 1], ',');
    ASSERT_EQ(cells.size(), 9u) << csv[i + 1];
    EXPECT_EQ(cells[1], p.group());
    EXPECT_EQ(cells[2], absl::StrCat(p.article_count()));
    EXPECT_EQ(cells[3], absl::StrCat(p.event_count()));
  }

  const std::string svg_path = dir_.path() + "/chart.svg";
  RunTidings("series" + server + window + " --plot " + svg_path, &code);
  ASSERT_EQ(code, 0);
  std::ifstream in(svg_path);
  std::stringstream svg;
  svg << in.rdbuf();
  std::string why;
  EXPECT_TRUE(WellFormed(svg.str(), &why)) << why;
  EXPECT_THAT(svg.str(),
              HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg.str(), HasSubstr("<title>tidings series --server"));
  EXPECT_THAT(svg.str(), HasSubstr("index (mean over the base period = 100)"));
  EXPECT_THAT(svg.str(), HasSubstr("2026-01-05"));  // A date tick.
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(svg.str(), HasSubstr(absl::StrCat(">src", i, "</text>")));
  }
  EXPECT_EQ(RunTidings("series" + server, &code), "");
  EXPECT_EQ(code, 2);  // --since is required.
}

TEST(SeriesBucketTest, BucketsAreUtcAlignedAndWeeksStartOnMonday) {
  using service::internal::BucketStart;
  // 2026-01-01 was a Thursday; its ISO week began Monday 2025-12-29.
  const int64_t t =
      absl::ToUnixMicros(kT0 + absl::Minutes(61) + absl::Seconds(5));
  EXPECT_EQ(BucketStart(v1::MINUTE, t),
            absl::ToUnixMicros(kT0 + absl::Minutes(61)));
  EXPECT_EQ(BucketStart(v1::HOUR, t), absl::ToUnixMicros(kT0 + absl::Hours(1)));
  EXPECT_EQ(BucketStart(v1::DAY, t), absl::ToUnixMicros(kT0));
  EXPECT_EQ(BucketStart(v1::WEEK, t),
            absl::ToUnixMicros(kT0 - absl::Hours(72)));
  EXPECT_EQ(BucketStart(v1::DAY, -1), -86400 * int64_t{1000000});
}

}  // namespace
}  // namespace tidings::testing
