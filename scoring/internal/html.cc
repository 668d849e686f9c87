// Copyright 2026 The Tidings Authors.

#include "scoring/internal/html.h"

#include <cstring>

namespace tidings::scoring::internal {
namespace {

inline char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}
inline bool IsAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Case-insensitive search for `needle` (lower case) in `s` from `from`.
size_t FindNoCase(std::string_view s, std::string_view needle, size_t from) {
  if (needle.empty() || s.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && Lower(s[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Elements whose content is not shown.
constexpr const char* kHidden[] = {"script",   "style",    "head",
                                   "noscript", "template", "svg"};
// Elements that start a new paragraph (blank line) or a new line.
constexpr const char* kParagraph[] = {
    "p",    "div",        "h1",      "h2",     "h3",     "h4",     "h5",
    "h6",   "article",    "section", "header", "footer", "nav",    "aside",
    "main", "blockquote", "ul",      "ol",     "table",  "figure", "figcaption",
    "form", "hr",         "pre",     "title",  "body"};
constexpr const char* kLine[] = {"br", "li", "tr", "dt", "dd", "td", "th"};

template <size_t N>
bool In(const char* const (&set)[N], std::string_view name) {
  for (const char* s : set) {
    if (name == s) return true;
  }
  return false;
}

}  // namespace

bool LooksLikeHtml(std::string_view s) {
  int tags = 0;
  bool closing = false;
  for (size_t i = 0; i + 1 < s.size() && tags < 3; ++i) {
    // Jump to the next '<' (most texts have none: one memchr).
    const void* lt = std::memchr(s.data() + i, '<', s.size() - 1 - i);
    if (lt == nullptr) break;
    i = static_cast<const char*>(lt) - s.data();
    char c = s[i + 1];
    if (c == '/' && i + 2 < s.size() && IsAlpha(s[i + 2])) {
      closing = true;
      ++tags;
    } else if (IsAlpha(c) || c == '!') {
      ++tags;
    }
  }
  if (!closing) {
    // Keep looking for a closing tag only when three tags were seen.
    closing = tags >= 3 && s.find("</") != std::string_view::npos;
  }
  return tags >= 3 && closing;
}

void HtmlToText(std::string_view html, std::string* out) {
  out->clear();
  out->reserve(html.size() / 2);
  // Pending break: 0 none, 1 line, 2 paragraph. Emitted before the next
  // visible character, so runs of block tags give one break.
  int pending = 0;
  bool space = false;
  auto emit = [&](char c) {
    if (pending > 0 && !out->empty()) {
      while (!out->empty() && out->back() == ' ') out->pop_back();
      out->append(pending == 2 ? "\n\n" : "\n");
      space = false;
    } else if (space && !out->empty() && out->back() != '\n') {
      out->push_back(' ');
    }
    pending = 0;
    space = false;
    out->push_back(c);
  };
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    char c = html[i];
    if (c != '<') {
      if (IsSpace(c)) {
        space = true;
      } else {
        emit(c);
      }
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    bool is_close = i + 1 < n && html[i + 1] == '/';
    size_t name_begin = i + (is_close ? 2 : 1);
    size_t name_end = name_begin;
    while (name_end < n && (IsAlpha(html[name_end]) ||
                            (name_end > name_begin && html[name_end] >= '0' &&
                             html[name_end] <= '9'))) {
      ++name_end;
    }
    if (name_end == name_begin &&
        !(name_begin < n && html[name_begin] == '!')) {
      emit('<');  // Not a tag: "a < b".
      ++i;
      continue;
    }
    char name[16] = {0};
    size_t len = name_end - name_begin;
    if (len < sizeof(name)) {
      for (size_t k = 0; k < len; ++k) name[k] = Lower(html[name_begin + k]);
    }
    std::string_view tag(name, len < sizeof(name) ? len : 0);
    // The end of the tag, skipping quoted attribute values.
    size_t j = name_end;
    char quote = 0;
    while (j < n && (quote != 0 || html[j] != '>')) {
      if (quote != 0) {
        if (html[j] == quote) quote = 0;
      } else if (html[j] == '"' || html[j] == '\'') {
        quote = html[j];
      }
      ++j;
    }
    i = j < n ? j + 1 : n;
    if (!is_close && In(kHidden, tag)) {
      std::string closing = "</" + std::string(tag);
      size_t end = FindNoCase(html, closing, i);
      if (end == std::string_view::npos) {
        i = n;
      } else {
        size_t gt = html.find('>', end);
        i = gt == std::string_view::npos ? n : gt + 1;
      }
      if (tag == "head") pending = 2;
      continue;
    }
    if (In(kParagraph, tag)) {
      pending = 2;
    } else if (In(kLine, tag)) {
      if (pending < 1) pending = 1;
    }
  }
}

}  // namespace tidings::scoring::internal
