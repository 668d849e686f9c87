// Copyright 2026 The Tidings Authors.

#include "scoring/internal/utf8.h"

namespace tidings::scoring::internal {
namespace {

// Returns the length of the valid sequence at s[i], or 0 if invalid.
size_t SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[i + 1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[i + 1] >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[i + 1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[i + 1] >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

size_t ValidUtf8Prefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = SequenceLength(s, i);
    if (len == 0) return i;
    i += len;
  }
  return i;
}

bool RepairText(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  bool changed = false;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == '\r') {
        out->push_back('\n');
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        changed = true;
      } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
        out->push_back(' ');
        changed = true;
      } else {
        out->push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    size_t len = SequenceLength(s, i);
    if (len == 0) {
      out->append("\xEF\xBF\xBD");
      changed = true;
      ++i;
    } else {
      out->append(s.data() + i, len);
      i += len;
    }
  }
  return changed;
}

}  // namespace tidings::scoring::internal
