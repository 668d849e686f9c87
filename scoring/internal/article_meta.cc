// Copyright 2026 The Tidings Authors.

#include "scoring/internal/article_meta.h"

#include <algorithm>

namespace tidings::scoring::internal {

MetaDealer::Doc& MetaDealer::At(size_t doc) {
  if (docs_.size() <= doc) docs_.resize(doc + 1);
  return docs_[doc];
}

bool MetaDealer::Closes(uint32_t index) const {
  const BylineLine& l = lines_[index];
  return l.label == TimeLabel::kTrailer || l.author_at_end;
}

void MetaDealer::Line(uint32_t index) {
  if (!lines_[index].stamp) pending_.push_back(index);
}

void MetaDealer::Opened(size_t doc, bool prev_open) {
  At(doc).Clear();
  docs_[doc].after_article = prev_open && doc > 0;
  for (uint32_t index : pending_) {
    if (prev_open && doc > 0 && Closes(index)) {
      docs_[doc - 1].own.push_back(index);
    } else {
      docs_[doc].above.push_back(index);
    }
  }
  pending_.clear();
}

void MetaDealer::Paragraph(size_t doc) {
  Doc& d = At(doc);
  for (uint32_t index : pending_) {
    if (d.paragraphs <= kLeadParagraphs || Closes(index)) {
      d.own.push_back(index);
    }
  }
  pending_.clear();
  ++d.paragraphs;
}

void MetaDealer::Closed(size_t doc, bool dropped) {
  Doc& d = At(doc);
  if (dropped) {
    d.Clear();
    return;
  }
  d.own.insert(d.own.end(), pending_.begin(), pending_.end());
  pending_.clear();
}

bool MetaDealer::HasTime(absl::Span<const uint32_t> ids) const {
  for (uint32_t index : ids) {
    if (lines_[index].has_time()) return true;
  }
  return false;
}

PageTime MetaDealer::TimeOf(absl::Span<const uint32_t> ids, DayOrder order,
                            absl::Time now) const {
  // Rank: absolute before relative, then published before updated.
  PageTime best;
  int best_rank = 4;
  const PrintedTime* last_date = nullptr;
  for (uint32_t index : ids) {
    const BylineLine& l = lines_[index];
    if (!l.has_time()) continue;
    const PageTime t = BylineReader::Resolve(l.time, last_date, order, now);
    if (l.time.kind == PrintedTime::Kind::kAbsolute && l.time.has_date()) {
      last_date = &l.time;
    }
    if (t.origin == TimeOrigin::kNone) continue;
    const int rank = (t.origin == TimeOrigin::kPage ? 0 : 2) +
                     (l.label == TimeLabel::kUpdated ? 1 : 0);
    if (rank < best_rank) best = t, best_rank = rank;
  }
  return best;
}

void MetaDealer::Deal(size_t num_docs, absl::Time now,
                      std::vector<ArticleMeta>* metas) {
  // The page's day order: what its numeric dates and zones show.
  int day_first = 0, month_first = 0;
  for (const BylineLine& l : lines_) {
    const DayOrder o = BylineReader::OrderEvidence(l.time);
    day_first += o == DayOrder::kDayFirst;
    month_first += o == DayOrder::kMonthFirst;
  }
  const DayOrder order = day_first > month_first   ? DayOrder::kDayFirst
                         : month_first > day_first ? DayOrder::kMonthFirst
                                                   : DayOrder::kUnknown;
  // Lines above a title that has its own byline or dateline under it
  // closed the article before (if it was still open), else nothing.
  std::vector<Doc>& docs = dealt_;
  docs.assign(docs_.begin(), docs_.end());
  docs.resize(std::max(docs.size(), num_docs));
  for (size_t k = 0; k < num_docs; ++k) {
    Doc& d = docs[k];
    bool own = false;
    for (uint32_t index : d.own) {
      own |= lines_[index].has_time() || lines_[index].has_author();
    }
    if (!own || d.above.empty()) continue;
    if (d.after_article) {
      docs[k - 1].own.insert(docs[k - 1].own.end(), d.above.begin(),
                             d.above.end());
    }
    d.above.clear();
  }
  std::vector<ArticleMeta>& out = *metas;
  out.assign(num_docs, ArticleMeta());
  for (size_t k = 0; k < num_docs; ++k) {
    const Doc& d = docs[k];
    ArticleMeta& m = out[k];
    m.published = TimeOf(d.own, order, now);
    if (m.published.origin == TimeOrigin::kNone) {
      m.published = TimeOf(d.above, order, now);
    }
    // The author: a byline under the title, then a credit at the end, then
    // a byline above the title.
    for (const Ids* ids : {&d.own, &d.above}) {
      for (int at_end = 0; at_end < 2 && m.author.empty(); ++at_end) {
        for (uint32_t index : *ids) {
          const BylineLine& l = lines_[index];
          if (l.has_author() && l.author_at_end == (at_end == 1)) {
            m.author = l.author;
            break;
          }
        }
      }
      for (uint32_t index : *ids) {
        if (m.outlet.empty()) m.outlet = lines_[index].outlet;
      }
    }
  }
}

}  // namespace tidings::scoring::internal
