// Copyright 2026 The Tidings Authors.
//
// types.h: the value types that the scorer produces. Plain structs, no
// behaviour beyond the enums' names; the service maps them to the protobuf
// `Signal` one to one.
// The numeric values of the enums equal those of tidings.v1 on purpose.

#ifndef TIDINGS_SCORING_TYPES_H_
#define TIDINGS_SCORING_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace tidings::scoring {

enum class ContentKind : uint8_t {
  kAuto = 0,       // Decide from the text: page structure or not.
  kPlainText = 1,  // One article; no page segmentation.
  kRawPage = 2,    // A scraped page: segment into articles.
};

enum class EventType : uint8_t {
  kGoldPriceMove = 1,
  kTariff = 2,
  kSanctions = 3,
  kGeopoliticalTension = 4,
};

enum class Direction : uint8_t {
  kUnspecified = 0,
  kUp = 1,
  kDown = 2,
  kFlat = 3,
  kImposed = 4,
  kRaised = 5,
  kThreatened = 6,
  kDelayed = 7,
  kEased = 8,
  kLifted = 9,
  kEscalation = 10,
  kDeEscalation = 11,
};

enum class SentimentLabel : uint8_t {
  kPositive = 1,
  kNegative = 2,
  kNeutral = 3,
};

enum class EntityKind : uint8_t {
  kCountry = 1,
  kPerson = 2,
  kInstitution = 3,
  kCommodity = 4,
  kBloc = 5,
  kCompany = 6,   // Recognised by the shape of its mention, not from a list.
  kMarket = 7,    // A stock market, index or exchange ("Sensex", "Nasdaq").
  kCurrency = 8,  // "rupee", "euro", "yen".
};

// Lower-case names as in tidings.v1 without the prefix ("gold_price_move",
// "de_escalation", "positive"), for evaluation and test output.
constexpr std::string_view Name(EventType t) {
  switch (t) {
    case EventType::kGoldPriceMove:
      return "gold_price_move";
    case EventType::kTariff:
      return "tariff";
    case EventType::kSanctions:
      return "sanctions";
    case EventType::kGeopoliticalTension:
      return "geopolitical_tension";
  }
  return "unknown_event";
}
constexpr std::string_view Name(Direction d) {
  switch (d) {
    case Direction::kUnspecified:
      return "unspecified";
    case Direction::kUp:
      return "up";
    case Direction::kDown:
      return "down";
    case Direction::kFlat:
      return "flat";
    case Direction::kImposed:
      return "imposed";
    case Direction::kRaised:
      return "raised";
    case Direction::kThreatened:
      return "threatened";
    case Direction::kDelayed:
      return "delayed";
    case Direction::kEased:
      return "eased";
    case Direction::kLifted:
      return "lifted";
    case Direction::kEscalation:
      return "escalation";
    case Direction::kDeEscalation:
      return "de_escalation";
  }
  return "unknown_direction";
}
constexpr std::string_view Name(SentimentLabel l) {
  switch (l) {
    case SentimentLabel::kPositive:
      return "positive";
    case SentimentLabel::kNegative:
      return "negative";
    case SentimentLabel::kNeutral:
      return "neutral";
  }
  return "unknown_label";
}

// Where ScoredDocument::published_at came from (values as tidings.v1).
enum class TimeOrigin : uint8_t {
  kNone = 0,
  kPage = 2,          // A byline or dateline with an absolute date.
  kPageRelative = 3,  // "3 hours ago", resolved against ScoreInput::now.
};

// Why a score was given: byte offsets [begin, end) into
// `ScoredDocument::text` (usually a sentence) and the terms matched there.
struct Evidence {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::vector<std::string> terms;
};

struct Magnitude {
  bool has_percent = false;
  double percent = 0;  // Signed: -1.2 for a 1.2% fall.
  bool has_price = false;
  double price = 0;
  std::string unit;  // E.g. "USD/oz", "INR/10g".
};

struct Event {
  EventType type = EventType::kGoldPriceMove;
  double relevance = 0;  // [0, 1]; >= 0.75 means the story is about it.
  Direction direction = Direction::kUnspecified;
  Magnitude magnitude;
  std::vector<std::string> actors;  // Entity ids, e.g. "country:US".
  std::vector<Evidence> evidence;
};

struct Sentiment {
  double score = 0;     // [-1, 1].
  double positive = 0;  // Proportions of sentences; the three sum to 1.
  double negative = 0;
  double neutral = 1;
  SentimentLabel label = SentimentLabel::kNeutral;
  std::vector<Evidence> evidence;
};

struct Entity {
  std::string id;    // Stable id: "country:RU", "person:putin", "inst:fed".
  std::string name;  // Canonical display name.
  EntityKind kind = EntityKind::kCountry;
  uint32_t mentions = 0;
  std::string country;  // Leaders and institutions: their country id.
  // Toward this entity, from the sentences and clauses that mention it.
  Sentiment sentiment;
};

struct ScoredDocument {
  uint32_t doc_index = 0;  // Position on the page; 0 = main article.
  std::string title;       // May be empty when none was found.
  std::string source;  // Source marker found in the text ("Reuters"), or "".
  // The cleaned article: title, "\n\n", body (just the body when there is no
  // title). All evidence offsets point into this string.
  std::string text;
  uint32_t body_begin = 0;  // Offset of the body within `text`.
  Sentiment sentiment;
  std::vector<Event> events;  // All events found, any relevance.
  std::vector<Entity> entities;
  // From the page's byline or dateline, when it shows them.
  std::string author;
  TimeOrigin published_origin = TimeOrigin::kNone;
  absl::Time published_at = absl::InfinitePast();  // Set with the origin.
  bool published_date_only = false;  // A date alone: midnight UTC of it.
  uint64_t fingerprint = 0;  // SimHash of word shingles (near-duplicates).
  uint64_t exact_fingerprint = 0;  // Hash of the normalised text (exact).
};

}  // namespace tidings::scoring

#endif  // TIDINGS_SCORING_TYPES_H_
