// Copyright 2026 The Tidings Authors.
//
// recycle.h: the parts of earlier results, kept for their buffers.
//
// Scorer::Score() into a caller's result vector takes the documents already
// there apart: every document, event, entity and evidence, and every term
// string too long for std::string's own buffer, goes to a Recycler. The stages
// that build the next results append their parts with the New* functions below,
// which take a recycled part when there is one and empty it (as if
// default-constructed) keeping the capacity of its strings and vectors, so that
// scoring a stream of texts into one result vector allocates only when a result
// holds more than any before it.
//
// Private to the scorer. A Recycler belongs to one Scorer::Scratch (one
// thread); a null Recycler means "allocate as usual".

#ifndef TIDINGS_SCORING_INTERNAL_RECYCLE_H_
#define TIDINGS_SCORING_INTERNAL_RECYCLE_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scoring/types.h"

namespace tidings::scoring::internal {

struct Recycler {
  // The longest string std::string holds without the heap (15 in
  // libstdc++). Not constexpr: clang rejects std::string() in a constant
  // expression with GCC 12's library.
  static inline const size_t kSmallString = std::string().capacity();

  std::vector<ScoredDocument> docs;
  std::vector<Event> events;
  std::vector<Entity> entities;
  std::vector<Evidence> evidence;
  std::vector<std::string> strings;

  // Empties `*v` into the pools (its own capacity stays). A string in its
  // own small buffer has nothing worth keeping: only those on the heap go
  // to `strings`.
  void Recycle(std::vector<std::string>* v) {
    for (std::string& s : *v) {
      if (s.capacity() > kSmallString) strings.push_back(std::move(s));
    }
    v->clear();
  }
  // (Those from index `from` on, for the vectors of parts.)
  void Recycle(std::vector<Evidence>* v, size_t from = 0) {
    for (size_t k = from; k < v->size(); ++k) {
      Recycle(&(*v)[k].terms);
      evidence.push_back(std::move((*v)[k]));
    }
    v->resize(from);
  }
  void Recycle(std::vector<Event>* v) {
    for (Event& e : *v) {
      Recycle(&e.evidence);
      Recycle(&e.actors);
      events.push_back(std::move(e));
    }
    v->clear();
  }
  void Recycle(std::vector<Entity>* v, size_t from = 0) {
    for (size_t k = from; k < v->size(); ++k) {
      Recycle(&(*v)[k].sentiment.evidence);
      entities.push_back(std::move((*v)[k]));
    }
    v->resize(from);
  }
  // The parts of document `*d` (its evidence, events and entities).
  void RecycleParts(ScoredDocument* d) {
    Recycle(&d->sentiment.evidence);
    Recycle(&d->events);
    Recycle(&d->entities);
  }
  // Empties the documents of `*v` from index `from` on and moves them to
  // `docs`.
  void Recycle(std::vector<ScoredDocument>* v, size_t from = 0) {
    for (size_t k = from; k < v->size(); ++k) {
      RecycleParts(&(*v)[k]);
      docs.push_back(std::move((*v)[k]));
    }
    v->resize(from);
  }
};

namespace recycle_internal {

// Appends the last element of `pool` (moved), or a new one, to `*v` and
// returns it (one move: no temporary).
template <typename T>
T& TakeInto(std::vector<T>* pool, std::vector<T>* v) {
  if (pool->empty()) return v->emplace_back();
  T& t = v->emplace_back(std::move(pool->back()));
  pool->pop_back();
  return t;
}

// The parts are reset field by field (an assignment from T() would move
// every member twice, ~500 instructions for a document), the defaults
// taken from a default-constructed one. A new field needs a line here, and
// one in recycle_test's Filled*(), which checks that a part with every
// field set comes back equal to a new one.

// `*e` = Evidence(), keeping the buffer of its (emptied) terms.
inline void ResetEvidence(Evidence* e) {
  static const Evidence kNew;
  e->begin = kNew.begin;
  e->end = kNew.end;
  e->terms.clear();
}
// `*e` = Event(), keeping the buffers of its (emptied) vectors and unit.
inline void ResetEvent(Event* e) {
  static const Event kNew;
  e->type = kNew.type;
  e->relevance = kNew.relevance;
  e->direction = kNew.direction;
  e->magnitude.has_percent = kNew.magnitude.has_percent;
  e->magnitude.percent = kNew.magnitude.percent;
  e->magnitude.has_price = kNew.magnitude.has_price;
  e->magnitude.price = kNew.magnitude.price;
  e->magnitude.unit.clear();
  e->actors.clear();
  e->evidence.clear();
}
// The fields of `*s` but its evidence as in Sentiment().
inline void ResetSentimentScores(Sentiment* s) {
  static const Sentiment kNew;
  s->score = kNew.score;
  s->positive = kNew.positive;
  s->negative = kNew.negative;
  s->neutral = kNew.neutral;
  s->label = kNew.label;
}
// `*s` = Sentiment(), keeping the buffer of its (emptied) evidence.
inline void ResetSentiment(Sentiment* s) {
  ResetSentimentScores(s);
  s->evidence.clear();
}
// `*e` = Entity(), keeping the buffers of its strings and vectors (whose
// elements have been recycled).
inline void ResetEntity(Entity* e) {
  static const Entity kNew;
  e->id.clear();
  e->name.clear();
  e->kind = kNew.kind;
  e->mentions = kNew.mentions;
  e->country.clear();
  ResetSentiment(&e->sentiment);
}
// The fields of `*d` but its parts (its sentiment's evidence, events and
// entities) as in ScoredDocument(), keeping the buffers of its strings.
inline void ResetDocumentFields(ScoredDocument* d) {
  static const ScoredDocument kNew;
  d->doc_index = kNew.doc_index;
  d->title.clear();
  d->source.clear();
  d->text.clear();
  d->body_begin = kNew.body_begin;
  ResetSentimentScores(&d->sentiment);
  d->author.clear();
  d->published_origin = kNew.published_origin;
  d->published_at = kNew.published_at;
  d->published_date_only = kNew.published_date_only;
  d->fingerprint = kNew.fingerprint;
  d->exact_fingerprint = kNew.exact_fingerprint;
}
// `*d` = ScoredDocument(), keeping the buffers of its strings and vectors
// (whose elements have been recycled).
inline void ResetDocument(ScoredDocument* d) {
  ResetDocumentFields(d);
  d->sentiment.evidence.clear();
  d->events.clear();
  d->entities.clear();
}

}  // namespace recycle_internal

// Appends a new, empty part to `*v` (from `r`'s pool when it has one; `r`
// may be null) and returns it.
inline Evidence& NewEvidence(std::vector<Evidence>* v, Recycler* r) {
  if (r == nullptr) return v->emplace_back();
  Evidence& e = recycle_internal::TakeInto(&r->evidence, v);
  recycle_internal::ResetEvidence(&e);
  return e;
}
inline Event& NewEvent(std::vector<Event>* v, Recycler* r) {
  if (r == nullptr) return v->emplace_back();
  Event& e = recycle_internal::TakeInto(&r->events, v);
  recycle_internal::ResetEvent(&e);
  return e;
}
inline Entity& NewEntity(std::vector<Entity>* v, Recycler* r) {
  if (r == nullptr) return v->emplace_back();
  Entity& e = recycle_internal::TakeInto(&r->entities, v);
  recycle_internal::ResetEntity(&e);
  return e;
}
// Appends `text` to `*v` as a new string (from the pool only when it needs
// the heap: a short one is built in place for less than a pool's move).
inline void AppendString(std::vector<std::string>* v, std::string_view text,
                         Recycler* r) {
  if (r == nullptr || text.size() <= Recycler::kSmallString ||
      r->strings.empty()) {
    v->emplace_back(text);
    return;
  }
  recycle_internal::TakeInto(&r->strings, v).assign(text);
}

namespace recycle_internal {

// A part of an earlier result emptied where it stands, its own parts to
// `r`'s pools; and a new part appended (as NewEvidence, NewEntity).
inline void EmptyInPlace(Evidence* e, Recycler* r) {
  r->Recycle(&e->terms);
  ResetEvidence(e);
}
inline void EmptyInPlace(Entity* e, Recycler* r) {
  r->Recycle(&e->sentiment.evidence);
  ResetEntity(e);
}
inline Evidence& NewPart(std::vector<Evidence>* v, Recycler* r) {
  return NewEvidence(v, r);
}
inline Entity& NewPart(std::vector<Entity>* v, Recycler* r) {
  return NewEntity(v, r);
}

template <typename T>
void Refill(std::vector<T>* v, size_t n, Recycler* r) {
  if (r == nullptr) {
    v->clear();
    v->reserve(n);
    for (size_t k = 0; k < n; ++k) v->emplace_back();
    return;
  }
  const size_t kept = std::min(n, v->size());
  for (size_t k = 0; k < kept; ++k) EmptyInPlace(&(*v)[k], r);
  r->Recycle(v, kept);
  v->reserve(n);
  while (v->size() < n) NewPart(v, r);
}

}  // namespace recycle_internal

// Makes `*v` hold `n` new, empty parts, for a stage that then fills each in
// place. The parts `*v` already holds (an earlier result's, which
// ReuseDocument leaves where they stand) are emptied there, their own parts
// to `r`'s pools; those past `n` go to the pools and the missing ones come
// from them: one move fewer per part than a trip to the pool and back. `r`
// may be null (then `*v` is just `n` new parts).
inline void RefillEvidence(std::vector<Evidence>* v, size_t n, Recycler* r) {
  recycle_internal::Refill(v, n, r);
}
inline void RefillEntities(std::vector<Entity>* v, size_t n, Recycler* r) {
  recycle_internal::Refill(v, n, r);
}

// Appends a new, empty document to `*v` (as NewEvidence does) and returns
// it.
inline ScoredDocument& NewDocument(std::vector<ScoredDocument>* v,
                                   Recycler* r) {
  if (r == nullptr || r->docs.empty()) return v->emplace_back();
  ScoredDocument& d = recycle_internal::TakeInto(&r->docs, v);
  recycle_internal::ResetDocument(&d);
  return d;
}
// Empties document `*d` of an earlier result where it stands, for the next
// result (what NewDocument() gives, without moving a document to the pool
// and back): as ScoredDocument(), its events to `r`'s pools, but for its
// entities and its sentiment's evidence. Those stay where they are for the
// stages that write them, ListEntities and SentimentModel::Score, to refill
// in place (RefillEntities, RefillEvidence), as they do for every document.
inline void ReuseDocument(ScoredDocument* d, Recycler* r) {
  r->Recycle(&d->events);
  recycle_internal::ResetDocumentFields(d);
}

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_RECYCLE_H_
