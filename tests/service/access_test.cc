// Copyright 2026 The Tidings Authors.
//
// Access control (issue 5, item 8): bearer tokens with roles from a tokens
// file, checked on every Tidings RPC (UNAUTHENTICATED without a known token,
// PERMISSION_DENIED without the role; health stays open), and TLS / mutual
// TLS with certificates the test makes with the openssl CLI.

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "service/internal/auth.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// ---------------------------------------------------------------------------
// Tokens file parsing

TEST(TokenTableTest, ParsesRolesCommentsAndAdmin) {
  auto t = service::internal::TokenTable::Parse(
      "# publishers\n"
      "pub-1\tpublish\n"
      "\n"
      "sub-1\tsubscribe\n"
      "both\tpublish, subscribe\n"
      "root\tadmin\n",
      "tokens.tsv");
  ASSERT_TRUE(t.ok()) << t.status();
  using service::internal::kRoleAdmin;
  using service::internal::kRolePublish;
  using service::internal::kRoleSubscribe;
  EXPECT_EQ(t->size(), 4u);
  EXPECT_EQ(*t->RolesOf("pub-1"), kRolePublish);
  EXPECT_EQ(*t->RolesOf("sub-1"), kRoleSubscribe);
  EXPECT_EQ(*t->RolesOf("both"), kRolePublish | kRoleSubscribe);
  EXPECT_EQ(*t->RolesOf("root"), kRolePublish | kRoleSubscribe | kRoleAdmin);
  EXPECT_FALSE(t->RolesOf("nope").has_value());
  EXPECT_FALSE(t->RolesOf("# publishers").has_value());
}

TEST(TokenTableTest, BadFilesAreInvalidArgumentNamingTheLine) {
  using service::internal::TokenTable;
  auto no_tab = TokenTable::Parse("tok publish\n", "f");
  EXPECT_EQ(no_tab.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_tab.status().message()), HasSubstr("f:1"));
  auto role = TokenTable::Parse("# x\ntok\twrite\n", "f");
  EXPECT_THAT(std::string(role.status().message()), HasSubstr("f:2"));
  EXPECT_THAT(std::string(role.status().message()), HasSubstr("write"));
  EXPECT_EQ(TokenTable::Parse("a\tpublish\na\tadmin\n", "f").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenTable::Parse("# only comments\n", "f").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenTable::Load("/nonexistent/tokens").status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Tokens on a running server

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string tokens = dir_.path() + "/tokens.tsv";
    WriteFile(tokens,
              "# test tokens\n"
              "pub-token\tpublish\n"
              "sub-token\tsubscribe\n"
              "admin-token\tadmin\n");
    service::ServerOptions options = TestOptions();
    options.tokens_file = tokens;
    auto s = TestServer::Start(StoreKind::kFake, options, "", fake_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  static void Auth(grpc::ClientContext* ctx, const std::string& token) {
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  }

  grpc::Status Ingest(const std::string& token, const std::string& id) {
    v1::IngestRequest req;
    *req.add_articles() = MakeArticle(id, static_cast<int>(id.size()));
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    return server_->stub().Ingest(&ctx, req, &resp);
  }
  grpc::Status Score(const std::string& token) {
    v1::ScoreRequest req;
    *req.add_articles() = MakeArticle("s", 1);
    v1::ScoreResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    return server_->stub().Score(&ctx, req, &resp);
  }
  grpc::Status IngestStream(const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    auto stream = server_->stub().IngestStream(&ctx);
    stream->Write(MakeArticle("stream", 7));
    stream->WritesDone();
    v1::IngestResult r;
    while (stream->Read(&r)) {
    }
    return stream->Finish();
  }
  grpc::Status Subscribe(const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    v1::SubscribeRequest req;
    req.set_from_seq(0);
    auto reader = server_->stub().Subscribe(&ctx, req);
    v1::SubscribeEvent ev;
    if (reader->Read(&ev)) {  // Allowed: the first heartbeat came.
      ctx.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }
  grpc::Status Query(const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    auto reader = server_->stub().Query(&ctx, v1::QueryRequest());
    v1::Signal s;
    for (int i = 0; i < 100 && reader->Read(&s); ++i) {
    }
    return reader->Finish();
  }
  grpc::Status GetSignal(const std::string& token) {
    v1::GetSignalRequest req;
    req.set_seq(1);
    v1::Signal s;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    return server_->stub().GetSignal(&ctx, req, &s);
  }
  grpc::Status Series(const std::string& token) {
    v1::SeriesRequest req;
    req.set_bucket(v1::DAY);
    req.mutable_since()->set_seconds(1767225600);  // 2026-01-01.
    req.mutable_until()->set_seconds(1767225600 + 86400 * 7);
    v1::SeriesResponse out;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    Auth(&ctx, token);
    return server_->stub().Series(&ctx, req, &out);
  }

  TempDir dir_;
  std::shared_ptr<FakeStoreData> fake_ = std::make_shared<FakeStoreData>();
  std::unique_ptr<TestServer> server_;
};

TEST_F(AuthTest, MissingTokenIsUnauthenticatedEverywhere) {
  for (grpc::Status s : {Ingest("", "a"), Score(""), IngestStream(""),
                         Subscribe(""), Query(""), GetSignal(""), Series("")}) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("Bearer"));
    EXPECT_THAT(s.error_message(), HasSubstr("--token"));
  }
  EXPECT_EQ(fake_->head.load(), 0u);
}

TEST_F(AuthTest, UnknownOrMalformedTokenIsUnauthenticated) {
  grpc::Status s = Ingest("not-a-token", "a");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("unknown token"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("not-a-token")));
  EXPECT_EQ(Query("pub-token-x").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Not "Bearer ...".
  v1::GetSignalRequest req;
  req.set_seq(1);
  v1::Signal out;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  ctx.AddMetadata("authorization", "Basic cHViLXRva2Vu");
  s = server_->stub().GetSignal(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(fake_->head.load(), 0u);
}

TEST_F(AuthTest, WrongRoleIsPermissionDenied) {
  // A subscriber cannot publish.
  for (grpc::Status s : {Ingest("sub-token", "a"), Score("sub-token"),
                         IngestStream("sub-token")}) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("publish role"));
  }
  EXPECT_EQ(fake_->head.load(), 0u);
  // A publisher cannot read.
  for (grpc::Status s : {Subscribe("pub-token"), Query("pub-token"),
                         GetSignal("pub-token"), Series("pub-token")}) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("subscribe role"));
  }
}

TEST_F(AuthTest, RightRolesAndAdminAreAllowed) {
  EXPECT_TRUE(Ingest("pub-token", "a").ok());
  EXPECT_TRUE(Score("pub-token").ok());
  EXPECT_TRUE(IngestStream("pub-token").ok());
  EXPECT_TRUE(Subscribe("sub-token").ok());
  EXPECT_TRUE(Query("sub-token").ok());
  EXPECT_TRUE(GetSignal("sub-token").ok());
  EXPECT_TRUE(Series("sub-token").ok());
  EXPECT_TRUE(Ingest("admin-token", "b").ok());
  EXPECT_TRUE(Query("admin-token").ok());
  EXPECT_TRUE(GetSignal("admin-token").ok());
  EXPECT_EQ(fake_->head.load(), 3u);
}

TEST_F(AuthTest, HealthStaysOpen) {
  auto health = server_->channel();
  grpc::GenericStub stub(health);
  // grpc.health.v1.Health/Check with an empty request: SERVING, no token.
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::ByteBuffer req, resp;
  grpc::Slice empty("");
  req = grpc::ByteBuffer(&empty, 1);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &req, &resp, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = s;
                   done = true;
                   cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return done; }));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST(AuthStartTest, BadTokensFileFailsStart) {
  TempDir dir;
  service::ServerOptions options = TestOptions();
  options.tokens_file = dir.path() + "/missing";
  auto s = TestServer::Start(StoreKind::kFake, options, "",
                             std::make_shared<FakeStoreData>());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("missing"));
  WriteFile(dir.path() + "/bad", "token-without-role\n");
  options.tokens_file = dir.path() + "/bad";
  s = TestServer::Start(StoreKind::kFake, options, "",
                        std::make_shared<FakeStoreData>());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// TLS

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version > /dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl CLI is not installed (Debian: apt-get "
                      "install openssl); TLS tests need it to make test "
                      "certificates";
    }
    const std::string d = dir_.path();
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
    const std::string cmd = absl::StrCat(
        "cd '", d, "' && (", "openssl req -x509 ", key,
        " -nodes -keyout ca.key -out ca.pem ",
        "-days 2 -subj /CN=tidings-test-ca && ", "openssl req ", key,
        " -nodes -keyout server.key -out server.csr ",
        "-subj /CN=localhost && ",
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n"
        "extendedKeyUsage=serverAuth\\n' > server.ext && ",
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key ",
        "-CAcreateserial -out server.pem -days 2 -extfile server.ext && ",
        "openssl req ", key, " -nodes -keyout client.key -out client.csr ",
        "-subj /CN=tidings-test-client && ",
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext && ",
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key ",
        "-CAcreateserial -out client.pem -days 2 -extfile client.ext",
        ") > openssl.log 2>&1");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n"
                                           << ReadFile(d + "/openssl.log");
  }

  void StartTls(bool mutual) {
    service::ServerOptions options = TestOptions();
    options.tls_cert_file = dir_.path() + "/server.pem";
    options.tls_key_file = dir_.path() + "/server.key";
    if (mutual) options.tls_client_ca_file = dir_.path() + "/ca.pem";
    auto s = TestServer::Start(StoreKind::kFake, options, "", fake_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  std::unique_ptr<v1::Tidings::Stub> Client(
      std::shared_ptr<grpc::ChannelCredentials> creds) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return v1::Tidings::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->server().port()), creds, args));
  }

  std::shared_ptr<grpc::ChannelCredentials> Tls(bool with_client_cert) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFile(dir_.path() + "/ca.pem");
    if (with_client_cert) {
      ssl.pem_cert_chain = ReadFile(dir_.path() + "/client.pem");
      ssl.pem_private_key = ReadFile(dir_.path() + "/client.key");
    }
    return grpc::SslCredentials(ssl);
  }

  static grpc::Status Ingest(v1::Tidings::Stub& stub, const std::string& id) {
    v1::IngestRequest req;
    *req.add_articles() = MakeArticle(id, 3);
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, std::chrono::seconds(5));
    return stub.Ingest(&ctx, req, &resp);
  }

  TempDir dir_;
  std::shared_ptr<FakeStoreData> fake_ = std::make_shared<FakeStoreData>();
  std::unique_ptr<TestServer> server_;
};

TEST_F(TlsTest, TlsClientConnectsAndPlaintextClientFails) {
  ASSERT_NO_FATAL_FAILURE(StartTls(/*mutual=*/false));
  auto tls = Client(Tls(/*with_client_cert=*/false));
  grpc::Status s = Ingest(*tls, "a");
  EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  auto plain = Client(grpc::InsecureChannelCredentials());
  s = Ingest(*plain, "b");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(fake_->head.load(), 1u);
  // A client that does not trust the server's CA fails too.
  grpc::SslCredentialsOptions other;
  other.pem_root_certs = ReadFile(dir_.path() + "/client.pem");
  EXPECT_FALSE(Ingest(*Client(grpc::SslCredentials(other)), "c").ok());
  EXPECT_EQ(fake_->head.load(), 1u);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificate) {
  ASSERT_NO_FATAL_FAILURE(StartTls(/*mutual=*/true));
  auto without = Client(Tls(/*with_client_cert=*/false));
  grpc::Status s = Ingest(*without, "a");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(fake_->head.load(), 0u);
  auto with = Client(Tls(/*with_client_cert=*/true));
  s = Ingest(*with, "b");
  EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  EXPECT_EQ(fake_->head.load(), 1u);
}

TEST_F(TlsTest, BadTlsOptionsFailStart) {
  service::ServerOptions options = TestOptions();
  options.tls_cert_file = dir_.path() + "/server.pem";
  auto s = TestServer::Start(StoreKind::kFake, options, "", fake_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  options.tls_key_file = dir_.path() + "/missing.key";
  s = TestServer::Start(StoreKind::kFake, options, "", fake_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("missing.key"));
}

}  // namespace
}  // namespace tidings::testing
