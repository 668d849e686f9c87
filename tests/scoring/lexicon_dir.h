// Copyright 2026 The Tidings Authors.
//
// lexicon_dir.h: for tests of malformed lexicon files.

#ifndef TIDINGS_TESTS_SCORING_LEXICON_DIR_H_
#define TIDINGS_TESTS_SCORING_LEXICON_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/internal/lexicon_set.h"

namespace tidings::scoring::internal {

// Defined in the generated embedded_lexicons.cc.
std::string_view EmbeddedLexicon(std::string_view name);
int EmbeddedLexiconCount();
std::string_view EmbeddedLexiconName(int i);

// Writes every compiled-in lexicon to a temporary directory, replacing
// `name` with `content`, and returns the directory (the caller removes it).
inline std::string LexiconDirWith(std::string_view name,
                                  std::string_view content) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("tidings_lexicon_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (int i = 0; i < EmbeddedLexiconCount(); ++i) {
    std::string_view file = EmbeddedLexiconName(i);
    std::ofstream out(dir / std::string(file), std::ios::binary);
    std::string_view data = file == name ? content : EmbeddedLexicon(file);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  return dir.string();
}

// Loads the compiled-in lexicons with file `name` replaced by `content`,
// calls `create(lexicons)` (a component's Create(), returning its status)
// and expects INVALID_ARGUMENT with `error` in the message.
template <typename CreateFn>
void ExpectLexiconError(std::string_view name, std::string_view content,
                        std::string_view error, CreateFn create) {
  SCOPED_TRACE(std::string(name) + ":\n" + std::string(content));
  const std::string dir = LexiconDirWith(name, content);
  absl::StatusOr<LexiconSet> lexicons = LexiconSet::Load(dir);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(lexicons.ok()) << lexicons.status();
  const absl::Status status = create(*lexicons);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr(std::string(error)));
}

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_TESTS_SCORING_LEXICON_DIR_H_
