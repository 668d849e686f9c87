// Copyright 2026 The Tidings Authors.
//
// jsonl_line.h: the keys that `tidings score --jsonl` reads from a line,
// read without protobuf for the plain lines that make up nearly every input.
//
// It reads exactly what the protobuf path (JsonStringToMessage into a
// Struct, score.cc) reads, for the lines it accepts; for anything else it
// says no and score.cc takes that path, so the output is the same byte for
// byte either way (score_json_test, bench/score_cli_check.sh).

#ifndef TIDINGS_SERVICE_CLI_JSONL_LINE_H_
#define TIDINGS_SERVICE_CLI_JSONL_LINE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tidings::cli::score_json {

// The keys of a JSONL line that `score` reads. A string key's value is kept
// only when it is a JSON string (as score.cc's Struct path treats them).
struct LineFields {
  bool has_text = false, has_body = false, has_title = false;
  bool has_id = false, has_article_id = false;
  std::string text, body, title, id, article_id;

  // As a new LineFields, keeping the strings' buffers.
  void Clear() {
    has_text = has_body = has_title = has_id = has_article_id = false;
    text.clear(), body.clear(), title.clear(), id.clear(), article_id.clear();
  }
};

// One parser per thread, reused line after line (it keeps its buffers).
class FastLineParser {
 public:
  // Returns false when the line is not of the plain shape handled here: one
  // flat object of unique, double-quoted keys whose values are strings
  // (valid UTF-8, simple escapes, no control characters, surrogates only
  // in pairs), short plain numbers, true, false or null; "id" and
  // "article_id" only as strings.
  bool Parse(std::string_view line, LineFields* out);

 private:
  bool End();
  bool Eat(char c);
  void SkipSpace();
  std::string* Target(bool is_string);
  bool Value();
  bool Number();
  bool Hex4(uint32_t* cp);
  bool Escape(std::string* out);
  bool String(std::string* out);

  std::string_view s_;
  size_t pos_ = 0;
  LineFields* out_ = nullptr;
  std::string key_, skipped_;
  std::string keys_[32];
  size_t n_keys_ = 0;
};

}  // namespace tidings::cli::score_json

#endif  // TIDINGS_SERVICE_CLI_JSONL_LINE_H_
