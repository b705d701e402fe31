// Open311 GeoReport v2 export: petitions as service requests, categories as services.
#include "jiceng/open311.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jiceng/engine.hpp"
#include "jiceng/policy.hpp"
#include "kpi/kpi_internal.hpp"
#include "kpi/org_access.hpp"

namespace jiceng {

namespace json = boost::json;

std::string w3c_datetime(Timestamp utc) {
  const Timestamp local = utc + kChinaUtcOffsetSeconds;
  const std::int32_t day = kpi_detail::china_day_number(utc);
  const Timestamp sec = local - static_cast<Timestamp>(day) * 86400;
  const Date d = kpi_detail::date_of_day_number(day);
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d+08:00", static_cast<int>(d.year()),
                         static_cast<int>(d.month()), static_cast<int>(d.day()), static_cast<int>(sec / 3600),
                         static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
}

namespace {

/// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n;
  std::uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n;
}

/// Plain text: control characters other than tab and newline become spaces.
std::string plain_text(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    o += (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F ? ' ' : ch;
  }
  return o;
}

/// One character of free text as the phone masking sees it.
struct Glyph {
  int digit = -1;          ///< 0-9 for a digit in any of the scripts below, else -1
  bool separator = false;  ///< may stand between the digits of one number
  std::size_t len = 1;     ///< its length in bytes
};

std::uint32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k])); };
  if (n == 1) return b(0);
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

/// Digits: ASCII, full-width (０-９), Arabic-Indic, extended Arabic-Indic, Devanagari and
/// the mathematical digits (𝟎-𝟿). Separators: spaces of every width (and the zero-width
/// ones), hyphens and dashes of every width, dots, parentheses, slashes, underscores, the
/// U+FFFD that replaced an invalid byte.
Glyph glyph_at(std::string_view s, std::size_t i) {
  Glyph g;
  const std::size_t n = utf8_len(s, i);
  if (n == 0) return g;  // an invalid byte: text as it is (cleaned before masking)
  g.len = n;
  const std::uint32_t c = code_point(s, i, n);
  if (c >= '0' && c <= '9') {
    g.digit = static_cast<int>(c - '0');
  } else if (c >= 0xFF10 && c <= 0xFF19) {
    g.digit = static_cast<int>(c - 0xFF10);
  } else if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9) || (c >= 0x0966 && c <= 0x096F)) {
    g.digit = static_cast<int>(c & 0xF) - (c >= 0x0966 ? 6 : 0);
  } else if (c >= 0x1D7CE && c <= 0x1D7FF) {
    g.digit = static_cast<int>((c - 0x1D7CE) % 10);
  } else {
    switch (c) {
      case ' ': case '\t': case '\n': case '\r': case '-': case '.': case '_': case '(': case ')': case '/':
      case 0xA0: case 0xAD: case 0x2027: case 0x202F: case 0x205F: case 0x2060: case 0x2212: case 0x3000:
      case 0x30FB: case 0xFE58: case 0xFE63: case 0xFEFF: case 0xFF08: case 0xFF09: case 0xFF0D: case 0xFF0E:
      case 0xFF0F: case 0xFF3F: case 0xFF65: case 0xFFFD:
        g.separator = true;
        break;
      default:
        g.separator = c >= 0x2000 && c <= 0x2015;  // spaces, zero-width marks, hyphens, dashes
    }
  }
  return g;
}

/// Most separator characters in a row inside one number ("139 - 1234").
constexpr int kMaxSeparatorRun = 4;

}  // namespace

std::string mask_phones_in_text(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  struct Digit {
    std::size_t pos, len;
    int value;
  };
  std::vector<Digit> digits;
  std::vector<bool> star;
  std::size_t i = 0;
  while (i < s.size()) {
    const Glyph g = glyph_at(s, i);
    if (g.digit < 0) {
      o.append(s.substr(i, g.len));
      i += g.len;
      continue;
    }
    // A run: digits joined by short runs of separators, read as its digits alone.
    digits.clear();
    std::size_t j = i, end = i;
    while (j < s.size()) {
      const Glyph h = glyph_at(s, j);
      if (h.digit >= 0) {
        digits.push_back({j, h.len, h.digit});
        j += h.len;
        end = j;
        continue;
      }
      std::size_t k = j;
      int run = 0;
      for (Glyph t = h; t.separator && run < kMaxSeparatorRun;) {
        k += t.len;
        ++run;
        if (k >= s.size()) break;
        t = glyph_at(s, k);
      }
      if (run == 0 || k >= s.size() || glyph_at(s, k).digit < 0) break;
      j = k;
    }
    // A mobile number is 11 digits from a 1 (the whole run, as before), or any 11 digits
    // from 13..19 inside a longer run (after +86, 0086, or next to other digits). Its 4th
    // to 7th digits become stars, like mask_phone.
    const std::size_t n = digits.size();
    star.assign(n, false);
    const auto mask_at = [&](std::size_t k) {
      for (std::size_t d = k + 3; d < k + 7; ++d) star[d] = true;
    };
    if (n == 11 && digits[0].value == 1) {
      mask_at(0);
    } else {
      for (std::size_t k = 0; k + 11 <= n;) {
        if (digits[k].value == 1 && digits[k + 1].value >= 3) {
          mask_at(k);
          k += 11;
        } else {
          ++k;
        }
      }
    }
    std::size_t p = i;
    for (std::size_t d = 0; d < n; ++d) {
      o.append(s.substr(p, digits[d].pos - p));
      if (star[d]) {
        o += '*';
      } else {
        o.append(s.substr(digits[d].pos, digits[d].len));
      }
      p = digits[d].pos + digits[d].len;
    }
    i = end;
  }
  return o;
}

namespace {

std::string level_group(int level) {
  switch (level) {
    case 0: return "district 区级";
    case 1: return "street 街道";
    case 2: return "community 社区";
    case 3: return "grid 网格";
    default: return absl::StrCat("level ", level);
  }
}

}  // namespace

std::string truncate_utf8_chars(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size() && chars < max_chars; ++chars) {
    const std::size_t n = utf8_len(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a bad byte
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

absl::StatusOr<Open311Export> export_open311(const Engine& engine, const Open311Options& options) {
  try {
    const PetitionPolicy policy = engine.policy();
    const OrgGraph& org = engine.org();
    // Every field that carries data (texts, reasons, category ids, unit names and ids)
    // passes here: invalid UTF-8 replaced and control characters made spaces first, so the
    // masking reads the text as it will be shown; masked before the cut, so a cut inside a
    // number cannot leave its digits unmasked.
    auto personal = [&](std::string_view s) {
      std::string t = plain_text(truncate_utf8_chars(s, std::numeric_limits<std::size_t>::max()));
      return options.raw_personal_data ? t : mask_phones_in_text(t);
    };
    auto scrub = [&](std::string_view s) { return truncate_utf8_chars(personal(s), options.max_description_chars); };
    auto unit_name = [&](const std::string& id) -> std::string {
      const std::uint32_t u = kpi_org::find(org, id);
      return personal(u == kpi_org::kNone ? std::string_view(id) : kpi_org::name(org, u));
    };
    std::set<std::string> categories;
    for (const auto& [id, _] : policy.routes) categories.insert(id);
    for (const auto& id : policy.deadlines.categories()) categories.insert(id);
    categories.erase("default");

    json::array requests;
    const std::size_t n = engine.stats().petitions;
    for (PetitionId id = 1; id <= n; ++id) {
      QueryOptions q;
      q.raw_contact = options.raw_personal_data;
      JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id, q));
      JICENG_ASSIGN_OR_RETURN(std::vector<Event> history, engine.history(id));
      categories.insert(v.category);
      const bool open = is_open(v.state);
      // The latest reason or answer, for status_notes.
      std::string last_note;
      for (const Event& e : history) {
        if (!e.payload.reason.empty()) last_note = e.payload.reason;
      }
      std::string notes = absl::StrCat(internal::av(to_string(v.state)), " ", internal::av(chinese_name(v.state)));
      if (v.merged_into != kNoPetition) absl::StrAppend(&notes, "; merged into ", Engine::display_id(v.merged_into));
      if (v.overdue) absl::StrAppend(&notes, "; overdue 超期");
      if (!last_note.empty()) absl::StrAppend(&notes, ": ", last_note);
      json::object r;
      r["service_request_id"] = v.display_id;
      r["status"] = open ? "open" : "closed";
      r["status_notes"] = scrub(notes);
      r["service_name"] = personal(policy.category_name(v.category));
      r["service_code"] = personal(v.category);
      r["description"] = scrub(v.text);
      r["agency_responsible"] = unit_name(v.current_unit);
      r["service_notice"] = absl::StrCat(internal::av(to_string(v.track)), " track; urgency ",
                                         internal::av(to_string(v.urgency)), "; channel ",
                                         internal::av(to_string(v.channel)));
      r["requested_datetime"] = w3c_datetime(v.submitted_at);
      // A closed request was last updated when it entered its final state.
      r["updated_datetime"] = w3c_datetime(open ? v.updated_at : v.stage_started_at);
      r["expected_datetime"] =
          open && v.due_at != kNoDeadline ? json::value(w3c_datetime(v.due_at)) : json::value(nullptr);
      r["address"] = unit_name(v.location_unit);
      r["address_id"] = v.location_unit;
      r["zipcode"] = nullptr;
      r["lat"] = nullptr;
      r["long"] = nullptr;
      r["media_url"] = nullptr;
      requests.push_back(std::move(r));
    }

    json::array services;
    std::set<std::string> codes;  // masked: two ids may mask alike, one service each
    for (const std::string& id : categories) {
      // The service is the policy's category: its id as the code, its Chinese name
      // (`petition.routing` categories.<id>.zh) as the name — what `jiceng report` shows.
      const CategoryRoute route = policy.route(id);
      std::string code = personal(id);
      if (!codes.insert(code).second) continue;
      const std::string name = personal(policy.category_name(id));
      json::object s;
      s["service_code"] = code;
      s["service_name"] = name;
      s["description"] = absl::StrCat(name == code ? code : absl::StrCat(name, " (", code, ")"), ": handled at the ",
                                       level_group(route.level), " level",
                                       route.prefer_property_branch ? ", by the property branch where a tripartite "
                                                                      "agreement (三方协议) exists"
                                                                    : "",
                                       "; resolve within ",
                                       format_duration(policy.deadlines.limits(id, Urgency::kNormal).resolve), ".");
      s["metadata"] = false;
      s["type"] = "realtime";
      s["keywords"] = name == code ? code : absl::StrCat(name, ",", code);
      s["group"] = level_group(route.level);
      services.push_back(std::move(s));
    }
    Open311Export out;
    out.requests = requests.size();
    out.services = services.size();
    out.requests_json = json::serialize(requests);
    out.services_json = json::serialize(services);
    return out;
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("open311 export: ", e.what()));
  }
}

}  // namespace jiceng
