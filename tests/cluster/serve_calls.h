// Copyright 2026 The Tidings Authors.
//
// serve_calls.h: the calls the `tidings serve --cluster` tests make to a
// node: a stub for an address, a small article that scores, a unary
// Ingest with a bound, and the seqs of its answer.

#ifndef TIDINGS_TESTS_CLUSTER_SERVE_CALLS_H_
#define TIDINGS_TESTS_CLUSTER_SERVE_CALLS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {

inline std::unique_ptr<v1::Tidings::Stub> StubFor(const std::string& address) {
  return v1::Tidings::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// An earnings story whose numbers depend on `n`.
inline v1::Article MakeArticle(const std::string& id, int n) {
  v1::Article a;
  a.set_article_id(id);
  a.set_source("test");
  a.set_title("Acme Corp beats earnings estimates, shares jump " +
              std::to_string(n) + "%");
  a.set_body(
      "Acme Corp reported quarterly earnings above analyst estimates "
      "on Tuesday and raised its full-year guidance. Shares jumped " +
      std::to_string(n) + "% in early trading.");
  return a;
}

// One Ingest call of `articles` (30 s at most); a failed call fails the
// test and answers an empty response.
inline v1::IngestResponse Ingest(v1::Tidings::Stub& stub,
                                 const std::vector<v1::Article>& articles) {
  v1::IngestRequest request;
  for (const v1::Article& a : articles) *request.add_articles() = a;
  v1::IngestResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  grpc::Status status = stub.Ingest(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

// Every seq of every result of `r`, in order.
inline std::vector<uint64_t> AllSeqs(const v1::IngestResponse& r) {
  std::vector<uint64_t> seqs;
  for (const v1::IngestResult& x : r.results()) {
    for (uint64_t s : x.seqs()) seqs.push_back(s);
  }
  return seqs;
}

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_SERVE_CALLS_H_
