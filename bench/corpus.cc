// Copyright 2026 The Tidings Authors.

#include "bench/corpus.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace tidings::bench {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "scoring_bench: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(EXIT_FAILURE);
}

uint64_t Fnv1a64(std::string_view s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot open " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

namespace {

class LineParser {
 public:
  LineParser(std::string_view line, size_t line_no)
      : s_(line), line_no_(line_no) {}

  Item Parse() {
    Item item;
    bool has_id = false;
    SkipSpace();
    Expect('{');
    SkipSpace();
    if (Peek() == '}') Fail("empty object");
    while (true) {
      SkipSpace();
      std::string key = String();
      SkipSpace();
      Expect(':');
      SkipSpace();
      std::string* field = nullptr;
      if (key == "id") {
        field = &item.id;
        has_id = true;
      } else if (key == "source") {
        field = &item.source;
      } else if (key == "title") {
        field = &item.title;
      } else if (key == "body") {
        field = &item.body;
      }
      if (Peek() == '"') {
        std::string value = String();
        if (field != nullptr) *field = std::move(value);
      } else {
        SkipScalar();  // null, a number, true/false ("published": null).
      }
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      Expect('}');
      break;
    }
    SkipSpace();
    if (pos_ != s_.size()) Fail("trailing characters after the object");
    if (!has_id || item.id.empty()) Fail("missing \"id\"");
    return item;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    Die("corpus line " + std::to_string(line_no_) + ", column " +
        std::to_string(pos_ + 1) + ": " + what);
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void Expect(char c) {
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void SkipScalar() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' &&
           s_[pos_] != ' ') {
      ++pos_;
    }
    if (pos_ == start) Fail("expected a value");
  }
  uint32_t Hex4() {
    if (pos_ + 4 > s_.size()) Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        Fail("bad hex digit in \\u escape");
      }
    }
    return v;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (true) {
      size_t run = pos_;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\') ++run;
      out.append(s_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ >= s_.size()) Fail("unterminated string");
      if (s_[pos_++] == '"') return out;
      char e = Peek();
      ++pos_;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 6 <= s_.size() &&
              s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo = Hex4();
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
              cp = 0xFFFD;
            }
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:
          Fail("bad escape in string");
      }
    }
  }

  std::string_view s_;
  size_t line_no_;
  size_t pos_ = 0;
};

}  // namespace

Corpus LoadCorpus(const std::string& path) {
  Corpus corpus;
  corpus.path = path;
  corpus.name = std::filesystem::path(path).stem().string();
  std::string data = ReadFileOrDie(path);
  corpus.file_bytes = data.size();
  corpus.digest = Fnv1a64(data);
  size_t pos = 0, line_no = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string::npos) eol = data.size();
    std::string_view line(data.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    corpus.items.push_back(LineParser(line, line_no).Parse());
  }
  if (corpus.items.empty()) Die(path + " holds no items");
  return corpus;
}

}  // namespace tidings::bench
