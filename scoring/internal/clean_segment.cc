// Copyright 2026 The Tidings Authors.
//
// clean_segment.cc: cutting the classified lines of a page into articles:
// titles, source markers, paragraphs without their teasers and pull quotes,
// and the metadata lines dealt to each article (see clean.h).

#include <algorithm>
#include <string>
#include <utility>

#include "scoring/internal/cleaning.h"

namespace tidings::scoring::internal::cleaning {

// ---------------------------------------------------------------------------
// Titles.

long Cleaning::StrongTitleEnd(size_t i, bool* by_marker) const {
  const Line& l = lines_[i];
  if (by_marker != nullptr) *by_marker = false;
  if (!IsTitleCandidate(l)) return -1;
  // Copies of the title with only blank lines and debris between them.
  long last = -1;
  int reach = 0;
  for (size_t j = i + 1; j < lines_.size() && reach <= kTitleRepeatReach; ++j) {
    const Line& m = lines_[j];
    if (m.kind == LineKind::kBlank) continue;
    if (m.key == l.key && m.words == l.words) {
      last = static_cast<long>(j);
      continue;
    }
    if (m.kind != LineKind::kDebris && m.kind != LineKind::kDrop) break;
    ++reach;
  }
  if (last >= 0) return last;
  if (!title_arg_.empty() && l.key == title_arg_key_)
    return static_cast<long>(i);
  // A title followed by a paragraph opening with a source marker.
  size_t j = NextContent(i);
  if (j < lines_.size() && lines_[j].kind == LineKind::kProse &&
      lines_[j].words > l.words) {
    std::string src;
    if (ParseMarker(lines_[j].text, &src) > 0) {
      if (by_marker != nullptr) *by_marker = true;
      return static_cast<long>(i);
    }
  }
  return -1;
}

bool Cleaning::HasByline(size_t i) const {
  const size_t n = lines_.size();
  // A byline block under it: metadata among blank lines, chrome and
  // captions (a caption may sit between headline and byline).
  bool under = false;
  size_t j = i + 1;
  for (; j < n && Skippable(lines_[j].kind); ++j) under |= IsHeaderMeta(j);
  // Or under its standfirst (a short paragraph between headline and byline).
  // The body must follow that byline.
  if (!under && j < n && lines_[j].kind == LineKind::kProse &&
      lines_[j].words <= kMaxStandfirstWords) {
    size_t k = j + 1;
    for (; k < n && Skippable(lines_[k].kind); ++k) under |= IsHeaderMeta(k);
    under &= k < n && lines_[k].kind == LineKind::kProse;
  }
  // Or right above it.
  bool above = false;
  for (size_t k = i; k > 0; --k) {
    const LineKind kind = lines_[k - 1].kind;
    if (kind == LineKind::kBlank || kind == LineKind::kDrop) continue;
    above = IsHeaderMeta(k - 1);
    break;
  }
  if (!under && !above) return false;
  // Then prose, perhaps after a box header ("Key points").
  for (int headers = 0; j < n; ++j) {
    const Line& l = lines_[j];
    if (Skippable(l.kind)) continue;
    if (l.kind == LineKind::kProse) return true;
    if (l.kind != LineKind::kHeadline || l.words > kMaxBoxHeaderWords ||
        ++headers > 1) {
      return false;
    }
  }
  return false;
}

size_t Cleaning::ParseMarker(std::string_view p, std::string* source) const {
  // "[DATELINE ](Name) - " with DATELINE like "HONG KONG, March 5" or
  // "ST. LOUIS, MO., March 5": every word capitalised or a number.
  size_t open = p.substr(0, 81).find('(');
  if (open == std::string_view::npos) return 0;
  std::string_view dateline = Trim(p.substr(0, open));
  bool ok = true;
  size_t words = 0;
  ForEachWord(dateline, [&](size_t b, size_t) {
    ++words;
    unsigned char c = dateline[b];
    if (!IsUpper(c) && !IsDigit(c)) ok = false;
  });
  if (!ok || words > 10) return 0;
  size_t close = p.find(')', open);
  if (close == std::string_view::npos || close - open > 40 || close == open + 1)
    return 0;
  std::string_view name = Trim(p.substr(open + 1, close - open - 1));
  size_t name_words = 0;
  ForEachWord(name, [&](size_t b, size_t e) {
    ++name_words;
    if (!IsUpper(name[b])) ok = false;
    for (size_t k = b; k < e; ++k) {
      unsigned char c = name[k];
      if (!IsAlnum(c) && c != '&' && c != '.' && c != '-' && c != '\'')
        ok = false;
    }
  });
  if (!ok || name_words == 0 || name_words > 3) return 0;
  size_t k = close + 1;
  while (k < p.size() && SpaceLen(p, k) != 0) k += SpaceLen(p, k);
  size_t dashes = 0;
  while (k < p.size()) {
    if (p[k] == '-') {
      ++k;
      ++dashes;
    } else if (At(p, k, "\xE2\x80\x94") || At(p, k, "\xE2\x80\x93")) {  // — –
      k += 3;
      ++dashes;
    } else {
      break;
    }
  }
  if (dashes == 0 || dashes > 2) return 0;
  while (k < p.size() && SpaceLen(p, k) != 0) k += SpaceLen(p, k);
  if (k >= p.size()) return 0;
  std::string_view canon = pc_.AgencyName(name);
  source->assign(canon.empty() ? name : canon);
  return k;
}

// ---------------------------------------------------------------------------
// Articles.

void Cleaning::Open(std::string_view title) {
  // What lies between the last paragraph and this title (a byline above
  // it, or a date closing the article before) is dealt by Opened().
  const bool prev_open = open_ && !docs_.back().body.empty();
  if (open_ && !prev_open) {
    dealer_.Closed(docs_.size() - 1, /*dropped=*/true);
    docs_.Pop();
  } else if (prev_open) {
    DropPullQuotes(&docs_.back().body);
  }
  docs_.Push().title.assign(title);
  dealer_.Opened(docs_.size() - 1, prev_open);
  open_ = true;
  first_paragraph_ = true;
  quoted_.clear();
}

void Cleaning::Close() {
  if (!open_) return;
  const bool dropped = docs_.back().body.empty();
  dealer_.Closed(docs_.size() - 1, dropped);
  if (dropped) {
    docs_.Pop();
  } else {
    DropPullQuotes(&docs_.back().body);
  }
  open_ = false;
}

namespace {

// Length of a double opening quote at the start of `s` ('"', '“', '«').
size_t OpeningQuoteLen(std::string_view s) {
  if (!s.empty() && s[0] == '"') return 1;
  if (At(s, 0, "\xE2\x80\x9C")) return 3;
  if (At(s, 0, "\xC2\xAB")) return 2;
  return 0;
}

// Length of a double closing quote at the end of `s`.
size_t ClosingQuoteLen(std::string_view s) {
  if (!s.empty() && s.back() == '"') return 1;
  if (s.size() >= 3 && At(s, s.size() - 3, "\xE2\x80\x9D")) return 3;
  if (s.size() >= 2 && At(s, s.size() - 2, "\xC2\xBB")) return 2;
  return 0;
}

}  // namespace

void Cleaning::AddParagraph(std::string_view p) {
  CleanDocument& doc = docs_.back();
  if (first_paragraph_) {
    first_paragraph_ = false;
    // (The new document's source is empty; ParseMarker sets it or not.)
    p = p.substr(ParseMarker(p, &doc.source));
  }
  teasers_.Split(p, &pieces_);
  size_t k = 0;
  while (k < pieces_.size()) {
    if (pieces_[k].teaser) {
      ++k;
      continue;
    }
    // A run of sentence pieces is one paragraph of original text.
    size_t m = k;
    while (m + 1 < pieces_.size() && !pieces_[m + 1].teaser) ++m;
    const uint32_t b = teasers_.WordBegin(pieces_[k].a);
    const uint32_t e = teasers_.WordEnd(pieces_[m].b - 1);
    dealer_.Paragraph(docs_.size() - 1);
    if (!doc.body.empty()) doc.body.append("\n\n");
    const std::string_view text = p.substr(b, e - b);
    const size_t open = OpeningQuoteLen(text);
    if (open != 0 && ClosingQuoteLen(text) != 0 && e - b > kMinPullQuoteBytes) {
      quoted_.emplace_back(doc.body.size(), doc.body.size() + text.size());
    }
    doc.body.append(text);
    k = m + 1;
  }
}

void Cleaning::DropPullQuotes(std::string* body) {
  for (size_t q = quoted_.size(); q-- > 0;) {
    const auto [b, e] = quoted_[q];
    const std::string_view para = std::string_view(*body).substr(b, e - b);
    const size_t open = OpeningQuoteLen(para), close = ClosingQuoteLen(para);
    const std::string_view inner =
        Trim(para.substr(open, para.size() - open - close));
    const size_t inner_at = static_cast<size_t>(inner.data() - body->data());
    size_t at = body->find(inner.data(), 0, inner.size());
    if (at == inner_at) at = body->find(inner.data(), at + 1, inner.size());
    if (at == std::string::npos) continue;
    // Remove the paragraph and one separator next to it.
    if (b >= 2) {
      body->erase(b - 2, e - b + 2);
    } else {
      body->erase(b, std::min(e + 2, body->size()) - b);
    }
  }
  quoted_.clear();
}

void Cleaning::Segment() {
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    if (l.meta != 0) dealer_.Line(l.meta - 1);
    bool by_marker = false;
    long group_end = StrongTitleEnd(i, &by_marker);
    // Between a title and its first paragraph, a line before the source
    // marker is a byline or date, not another title.
    if (group_end >= 0 && by_marker && open_ && docs_.back().body.empty())
      continue;
    if (group_end >= 0) {
      Open(l.text);
      i = static_cast<size_t>(group_end);
      continue;
    }
    switch (l.kind) {
      case LineKind::kBlank:
      case LineKind::kDrop:
      case LineKind::kDebris:
      case LineKind::kBlock:
        continue;
      case LineKind::kEnd:
        Close();
        continue;
      case LineKind::kHeadline:
        // A headline with a byline under it is a title; outside any
        // article, so is a headline followed by prose.
        if (HasByline(i)) {
          Open(l.text);
        } else if (!open_) {
          size_t j = NextContent(i);
          if (j < lines_.size() && lines_[j].kind == LineKind::kProse &&
              lines_[j].words >= kMinBodyWordsAfterWeakTitle) {
            Open(l.text);
          }
        }
        // Inside an article, a headline line between paragraphs is a teaser.
        continue;
      case LineKind::kProse: {
        if (!open_) {
          // Untitled text before any title (a page without titles).
          if (!docs_.empty() || l.words < kMinBodyWordsAfterWeakTitle) continue;
          Open("");
        }
        std::string_view content = l.text.substr(0, l.content);
        AddParagraph(content);
        if (l.content < l.text.size()) Close();  // Ended by "©...".
        continue;
      }
    }
  }
  Close();
  // The articles' bylines and datelines.
  dealer_.Deal(docs_.size(), now_, &dealt_);
  for (size_t k = 0; k < docs_.size(); ++k) {
    CleanDocument& doc = docs_[k];
    const ArticleMeta& m = dealt_[k];
    doc.author.assign(m.author);
    doc.published = m.published;
    if (doc.source.empty() && !m.outlet.empty()) {
      const std::string_view canon = pc_.AgencyName(m.outlet);
      doc.source.assign(canon.empty() ? m.outlet : canon);
    }
  }
}

}  // namespace tidings::scoring::internal::cleaning
