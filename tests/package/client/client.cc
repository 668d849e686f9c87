// Copyright 2026 The Tidings Authors.
//
// Uses the installed API package: builds a message, round-trips it through
// the wire format, and makes a call on a generated stub (to ADDRESS, argv[1];
// `tidings get` of seq 1 on an empty store answers NOT_FOUND). Prints what
// it saw; exit 0 when all of it is as expected.

#include <chrono>
#include <iostream>
#include <string>

#include "grpcpp/grpcpp.h"
#include "tidings/v1/tidings.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: client HOST:PORT\n";
    return 2;
  }
  tidings::v1::Article article;
  article.set_article_id("package-test");
  article.set_title("Gold rises 2% as tariffs loom");
  tidings::v1::Article parsed;
  if (!parsed.ParseFromString(article.SerializeAsString()) ||
      parsed.title() != article.title()) {
    std::cerr << "message round trip failed\n";
    return 1;
  }
  auto stub = tidings::v1::Tidings::NewStub(
      grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  tidings::v1::GetSignalRequest request;
  request.set_seq(1);
  tidings::v1::Signal signal;
  grpc::Status status = stub->GetSignal(&context, request, &signal);
  std::cout << "GetSignal(1): " << status.error_code() << " "
            << status.error_message() << "\n";
  return status.error_code() == grpc::StatusCode::NOT_FOUND ? 0 : 1;
}
