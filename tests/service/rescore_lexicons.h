// Copyright 2026 The Tidings Authors.
//
// rescore_lexicons.h: lexicon directories for rescoring tests: the
// project's lexicons (scoring/lexicons) with the files of
// tests/fixtures/rescore_lexicons laid over them (sentiment.tsv with the
// squash parameter at 0.25 instead of 1: stronger sentiment scores, same
// events), optionally with another squash value.

#ifndef TIDINGS_TESTS_SERVICE_RESCORE_LEXICONS_H_
#define TIDINGS_TESTS_SERVICE_RESCORE_LEXICONS_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tidings::testing {

// Writes the lexicon directory `dir` (created); with `squash` set, the
// overlay's squash parameter becomes that value. Returns `dir`.
inline std::string MakeRescoreLexicons(const std::string& dir,
                                       const std::string& squash = "") {
  namespace fs = std::filesystem;
  const fs::path fixtures = TIDINGS_FIXTURES_DIR;
  const fs::path base = fixtures / ".." / ".." / "scoring" / "lexicons";
  fs::create_directories(dir);
  for (const fs::directory_entry& e : fs::directory_iterator(base)) {
    fs::copy_file(e.path(), fs::path(dir) / e.path().filename(),
                  fs::copy_options::overwrite_existing);
  }
  for (const fs::directory_entry& e :
       fs::directory_iterator(fixtures / "rescore_lexicons")) {
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    if (!squash.empty()) {
      const std::string from = "param\tsquash\t0.25\t";
      if (size_t at = content.find(from); at != std::string::npos) {
        content.replace(at, from.size(), "param\tsquash\t" + squash + "\t");
      }
    }
    std::ofstream out(fs::path(dir) / e.path().filename(), std::ios::binary);
    out << content;
  }
  return dir;
}

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_SERVICE_RESCORE_LEXICONS_H_
