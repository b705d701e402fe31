// jiceng/open311.hpp — export of petitions (诉求) as Open311 GeoReport v2 service requests
// and of petition categories (诉求类别) as services, so existing civic-tech tools can read
// them (开放数据导出).
//
// GeoReport v2 (http://wiki.open311.org/GeoReport_v2) followed to the letter: JSON
// bodies are bare arrays; ids are strings; `status` is only `open` or `closed`; every
// datetime is W3C / ISO 8601 with its zone (+08:00, China Standard Time);
// `expected_datetime` is the current deadline; `updated_datetime` of a closed request is
// its closing time; `description` is plain text of at most 4,000 characters (cut on a
// character boundary, after masking); in services `metadata` (boolean) and `type` (`realtime`, `batch`
// or `blackbox`) are always present and `keywords` is one comma-separated string.
// Personal data (names, phone numbers) is masked unless raw data is asked for: phone
// numbers in every field that carries data (texts, reasons and answers, category ids, unit
// names), however they are spelled (mask_phones_in_text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/types.hpp"

namespace jiceng {

class Engine;

/// Options of the Open311 export.
struct Open311Options {
  /// Unmasked personal data. Off by default (docs/domain.md §11): names and phone numbers that
  /// appear are masked ("张**", "138****5678").
  bool raw_personal_data = false;
  /// Longest description, in Unicode characters (GeoReport v2: 4,000).
  std::size_t max_description_chars = 4000;
};

/// The two documents of the export.
struct Open311Export {
  std::string requests_json;  ///< requests.json: a bare array of service requests
  std::string services_json;  ///< services.json: a bare array of services
  std::size_t requests = 0;   ///< number of requests written
  std::size_t services = 0;   ///< number of services written
};

/// Exports every petition and every category of the engine (categories of the routing
/// and deadline policy, plus any used by a petition), in id order. Petitions that never
/// reached a unit's handling (rejected, merged, withdrawn) are exported as closed with
/// their final state in `status_notes`.
absl::StatusOr<Open311Export> export_open311(const Engine& engine, const Open311Options& options = {});

/// W3C datetime of `utc` in China Standard Time: "2024-03-01T09:30:00+08:00".
std::string w3c_datetime(Timestamp utc);

/// `text` with every mainland mobile number masked like mask_phone ("138****5678"),
/// however it is written: its digits ASCII or full-width (or Arabic-Indic, Devanagari,
/// mathematical), grouped by spaces, dashes, dots or zero-width characters of any width
/// ("139 1234 5678", "１３７－２３４５－６７８９"), after +86, 86 or 0086. A number is read
/// on the run of digits those separators join: the whole run when it is 11 digits from a
/// 1, else every 11 digits from 13..19 inside it. It errs on the side of privacy: a long
/// code that holds such 11 digits is masked too. The stars replace digits in place; the
/// separators and the other digits stay.
std::string mask_phones_in_text(std::string_view text);

/// `text` cut to at most `max_chars` Unicode characters, never inside a UTF-8 sequence.
/// Invalid UTF-8 bytes are replaced by U+FFFD first.
std::string truncate_utf8_chars(std::string_view text, std::size_t max_chars);

}  // namespace jiceng
