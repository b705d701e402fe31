// Open311 GeoReport v2 export: each rule of the specification, checked on the parsed output.
#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "jiceng/open311.hpp"
#include "kpi/kpi_fixture.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;
using namespace kpi_test;

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool is_w3c(const json::value& v) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$)");
  return v.is_string() && std::regex_match(std::string(v.as_string()), re);
}

struct Exported {
  std::unique_ptr<Engine> engine = make_engine();
  PetitionId open_id = 0, closed_id = 0, long_id = 0, rejected_id = 0;
  json::array requests, services;

  void build(const Open311Options& options = {}) {
    Engine& e = *engine;
    const Timestamp t = at(2024, 3, 4);
    open_id = submit(e, "G111", "parking", t);
    ASSERT_TRUE(e.accept(kOfficer, open_id, t + 60).ok());
    closed_id = submit(e, "G121", "noise", t);
    take_up(e, closed_id, t);
    ASSERT_TRUE(e.resolve(kOfficer, closed_id, "已处理，联系电话13812345678", t + 3600).ok());
    evaluate(e, closed_id, true, true, Satisfaction::kSatisfied, t + 7200);
    EventPayload p;
    p.petitioner = "long";
    p.location = "G211";
    p.category = "property";
    p.text = "电话13912345678。";
    for (int i = 0; i < 4200; ++i) p.text += "长";
    auto id = e.submit(Actor{"long", Role::kResident, ""}, p, t);
    ASSERT_TRUE(id.ok()) << id.status();
    long_id = *id;
    rejected_id = submit(e, "G212", "drains", t);
    ASSERT_TRUE(e.reject(kOfficer, rejected_id, "重复", t + 600).ok());
    auto ex = export_open311(e, options);
    ASSERT_TRUE(ex.ok()) << ex.status();
    json::value r = json::parse(ex->requests_json), s = json::parse(ex->services_json);
    ASSERT_TRUE(r.is_array());  // bare arrays, no wrapper object
    ASSERT_TRUE(s.is_array());
    requests = r.as_array();
    services = s.as_array();
    EXPECT_EQ(ex->requests, requests.size());
    EXPECT_EQ(ex->services, services.size());
  }
  const json::object& request(PetitionId id) const { return requests.at(id - 1).as_object(); }
};

TEST(Open311, RequestsFollowGeoReportV2) {
  Exported x;
  x.build();
  ASSERT_FALSE(testing::Test::HasFailure());
  ASSERT_EQ(x.requests.size(), 4u);
  for (const auto& v : x.requests) {
    const auto& r = v.as_object();
    for (const char* k : {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                          "expected_datetime", "address"}) {
      EXPECT_TRUE(r.contains(k)) << k;
    }
    EXPECT_TRUE(r.at("service_request_id").is_string());
    EXPECT_TRUE(r.at("service_code").is_string());
    const std::string status(r.at("status").as_string());
    EXPECT_TRUE(status == "open" || status == "closed") << status;
    EXPECT_TRUE(is_w3c(r.at("requested_datetime"))) << r.at("requested_datetime");
    EXPECT_TRUE(is_w3c(r.at("updated_datetime"))) << r.at("updated_datetime");
    EXPECT_TRUE(r.at("expected_datetime").is_null() || is_w3c(r.at("expected_datetime")));
    const std::string d(r.at("description").as_string());
    EXPECT_LE(code_points(d), 4000u);
    EXPECT_TRUE(is_valid_utf8(d));
  }
  const auto& open = x.request(x.open_id);
  EXPECT_EQ(open.at("service_request_id").as_string(), "P00000001");
  EXPECT_EQ(open.at("status").as_string(), "open");
  EXPECT_EQ(open.at("requested_datetime").as_string(), "2024-03-04T09:00:00+08:00");
  // expected_datetime is the deadline in force.
  auto v = x.engine->get(x.open_id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(open.at("expected_datetime").as_string(), w3c_datetime(v->due_at));
  EXPECT_EQ(open.at("agency_responsible").as_string(), "网格111");
  // A closed request: updated_datetime is its closing time (the evaluation at t + 2 h).
  const auto& closed = x.request(x.closed_id);
  EXPECT_EQ(closed.at("status").as_string(), "closed");
  EXPECT_EQ(closed.at("updated_datetime").as_string(), "2024-03-04T11:00:00+08:00");
  EXPECT_TRUE(closed.at("expected_datetime").is_null());
  // Rejected: closed, with the reason in the notes.
  const auto& rej = x.request(x.rejected_id);
  EXPECT_EQ(rej.at("status").as_string(), "closed");
  EXPECT_EQ(rej.at("updated_datetime").as_string(), "2024-03-04T09:10:00+08:00");
  EXPECT_NE(std::string(rej.at("status_notes").as_string()).find("rejected"), std::string::npos);
  // The long text is cut to exactly 4,000 characters on a character boundary.
  const std::string d(x.request(x.long_id).at("description").as_string());
  EXPECT_EQ(code_points(d), 4000u);
  EXPECT_EQ(d.substr(d.size() - 3), "长");
  // Personal data masked: phone numbers in texts and answers.
  const std::string all = json::serialize(x.requests);
  EXPECT_EQ(all.find("13812345678"), std::string::npos);
  EXPECT_EQ(all.find("13912345678"), std::string::npos);
  EXPECT_NE(all.find("138****5678"), std::string::npos);
  EXPECT_NE(all.find("139****5678"), std::string::npos);
}

TEST(Open311, RawPersonalDataOnlyWhenAsked) {
  Exported x;
  Open311Options o;
  o.raw_personal_data = true;
  x.build(o);
  ASSERT_FALSE(testing::Test::HasFailure());
  EXPECT_NE(json::serialize(x.requests).find("13812345678"), std::string::npos);
}

TEST(Open311, ServicesFollowGeoReportV2) {
  Exported x;
  x.build();
  ASSERT_FALSE(testing::Test::HasFailure());
  std::set<std::string> codes;
  for (const auto& v : x.services) {
    const auto& s = v.as_object();
    ASSERT_TRUE(s.contains("metadata"));
    EXPECT_TRUE(s.at("metadata").is_bool());
    ASSERT_TRUE(s.contains("type"));
    const std::string type(s.at("type").as_string());
    EXPECT_TRUE(type == "realtime" || type == "batch" || type == "blackbox") << type;
    ASSERT_TRUE(s.at("keywords").is_string());  // one comma-separated string, not an array
    EXPECT_TRUE(s.at("service_code").is_string());
    EXPECT_TRUE(s.at("service_name").is_string());
    EXPECT_TRUE(s.at("description").is_string());
    EXPECT_TRUE(s.at("group").is_string());
    codes.insert(std::string(s.at("service_code").as_string()));
  }
  // Every category used by a request and every routed category is a service; no "default".
  for (const char* c : {"parking", "noise", "property", "drains", "government_consultation", "elderly_meals"}) {
    EXPECT_TRUE(codes.contains(c)) << c;
  }
  EXPECT_FALSE(codes.contains("default"));
  for (const auto& v : x.services) {
    if (v.at("service_code").as_string() == "parking") {
      EXPECT_NE(std::string(v.at("keywords").as_string()).find(','), std::string::npos);
    }
  }
}

// The services are the policy's categories under the policy's names (`petition.routing`
// categories.<id>.zh, as `jiceng report` shows them), not a list of the exporter's own.
TEST(Open311, ServicesAreThePolicysCategoriesByItsNames) {
  Exported x;
  x.build();
  ASSERT_FALSE(testing::Test::HasFailure());
  const PetitionPolicy policy = x.engine->policy();
  std::set<std::string> codes, listed;
  for (const auto& v : x.services) {
    const std::string code(v.at("service_code").as_string());
    codes.insert(code);
    EXPECT_EQ(v.at("service_name").as_string(), policy.category_name(code)) << code;
    EXPECT_NE(std::string(v.at("keywords").as_string()).find(policy.category_name(code)), std::string::npos) << code;
  }
  for (const auto& [id, route] : policy.routes) {
    if (id == "default") continue;
    listed.insert(id);
    EXPECT_FALSE(route.zh.empty()) << id;
  }
  for (const auto& id : listed) EXPECT_TRUE(codes.contains(id)) << id;
  EXPECT_EQ(x.request(x.open_id).at("service_name").as_string(), "停车管理");
  EXPECT_EQ(x.request(x.open_id).at("service_name").as_string(), policy.category_name("parking"));
  for (const auto& v : x.requests) {
    EXPECT_EQ(v.at("service_name").as_string(), policy.category_name(std::string(v.at("service_code").as_string())));
  }
}

TEST(Open311, DatetimesAndTruncation) {
  EXPECT_EQ(w3c_datetime(0), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(w3c_datetime(at(2024, 12, 31, 23, 59) + 59), "2024-12-31T23:59:59+08:00");
  EXPECT_EQ(truncate_utf8_chars("abc", 2), "ab");
  EXPECT_EQ(truncate_utf8_chars("中文字", 2), "中文");
  EXPECT_EQ(truncate_utf8_chars("中文", 5), "中文");
  // Invalid bytes become U+FFFD, never half a character.
  EXPECT_EQ(truncate_utf8_chars("a\xE4\xB8", 3), "a\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(truncate_utf8_chars("\xF0\x9F\x98\x80\xC3", 10)));
}

// --- phone numbers however they are spelled (issue 17, item 10) ---------------------------

std::string utf8(char32_t c) {
  std::string o;
  if (c < 0x80) {
    o += static_cast<char>(c);
  } else if (c < 0x800) {
    o += static_cast<char>(0xC0 | (c >> 6));
    o += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    o += static_cast<char>(0xE0 | (c >> 12));
    o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    o += static_cast<char>(0xF0 | (c >> 18));
    o += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (c & 0x3F));
  }
  return o;
}

std::u32string decode(std::string_view s) {
  std::u32string o;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    o += cp;
    i += n;
  }
  return o;
}

// The separators the corpus writes between digits (one or more code points each).
const std::vector<std::u32string> kSeparators = {U" ",  U"-",      U".",      U"\u3000", U"\u00A0", U"\uFF0D",
                                                 U" - ", U"\u200B", U"\u2014", U"\t",     U"\u2009", U"_"};
const std::vector<std::u32string> kPrefixes = {U"",     U"+86",   U"+86 ",  U"86",     U"86-",
                                               U"0086 ", U"(+86)", U"\uFF0B\uFF18\uFF16 ", U"+86\u3000"};

bool is_corpus_separator(char32_t c) {
  for (const auto& s : kSeparators)
    if (s.find(c) != std::u32string::npos) return true;
  return c == U'(' || c == U')' || c == U'+' || c == U'\uFF0B';
}

/// What a reader recovers from exported text: digits in ASCII (full-width ones mapped),
/// the corpus' separators dropped, everything else kept.
std::string digits_read(std::string_view s) {
  std::string o;
  for (char32_t c : decode(s)) {
    if (c >= U'\uFF10' && c <= U'\uFF19') c = U'0' + (c - U'\uFF10');
    if (is_corpus_separator(c)) continue;
    o += utf8(c);
  }
  return o;
}

/// `number` (11 ASCII digits) spelled with digit form `form` (0 ASCII, 1 full-width, 2
/// alternating), grouped by `groups` (sizes summing to 11), joined by `sep`, after `prefix`.
std::string spell(std::string_view number, int form, const std::vector<int>& groups, const std::u32string& sep,
                  const std::u32string& prefix) {
  std::u32string o = prefix;
  std::size_t d = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) o += sep;
    for (int k = 0; k < groups[g]; ++k, ++d) {
      const bool wide = form == 1 || (form == 2 && d % 2 == 1);
      o += wide ? static_cast<char32_t>(U'\uFF10' + (number[d] - '0')) : static_cast<char32_t>(number[d]);
    }
  }
  std::string out;
  for (char32_t c : o) out += utf8(c);
  return out;
}

struct Spelling {
  std::string number;  // the 11 digits
  std::string text;    // as written
};

const std::vector<std::string> kNumbers = {"13987654321", "15823456789", "18612349876", "17766554433"};

/// Every combination of digit form, grouping, separator and prefix, for each number.
std::vector<Spelling> corpus() {
  const std::vector<std::string>& numbers = kNumbers;
  const std::vector<std::vector<int>> groupings = {{11}, {3, 4, 4}, {3, 8}, {4, 4, 3}, {3, 3, 5},
                                                   {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};
  std::vector<Spelling> out;
  std::set<std::string> seen;
  for (const auto& n : numbers)
    for (int form = 0; form < 3; ++form)
      for (const auto& g : groupings)
        for (const auto& sep : kSeparators)
          for (const auto& prefix : kPrefixes) {
            Spelling s{n, spell(n, form, g, sep, prefix)};
            if (seen.insert(s.text).second) out.push_back(std::move(s));
          }
  return out;
}

/// The number leaks when a reader recovers 8 of its digits in a row from `read` (what
/// digits_read gives; the mask shows 3 and 4 apart: "139****4321").
bool leaks_read(std::string_view read, std::string_view number) {
  for (std::size_t k = 0; k + 8 <= number.size(); ++k)
    if (read.find(number.substr(k, 8)) != std::string::npos) return true;
  return false;
}

bool leaks(std::string_view exported, std::string_view number) { return leaks_read(digits_read(exported), number); }

TEST(Open311Phones, MaskedHoweverSpelled) {
  const auto all = corpus();
  ASSERT_GT(all.size(), 2500u);
  for (const Spelling& s : all) {
    const std::string text = absl::StrCat("请联系", s.text, "谢谢");
    const std::string masked = mask_phones_in_text(text);
    EXPECT_FALSE(leaks(masked, s.number)) << s.text << " -> " << masked;
    EXPECT_TRUE(leaks(text, s.number)) << s.text;  // the check itself sees the number
    // Only digits became stars: the words around and the separators stay.
    EXPECT_TRUE(masked.starts_with("请联系") && masked.ends_with("谢谢")) << masked;
    EXPECT_EQ(std::count(masked.begin(), masked.end(), '*'), 4) << masked;
    EXPECT_NE(digits_read(masked).find(s.number.substr(0, 3) + "****" + s.number.substr(7)), std::string::npos)
        << s.text << " -> " << masked;
  }
}

TEST(Open311Phones, MaskExamples) {
  EXPECT_EQ(mask_phones_in_text("13912345678"), "139****5678");
  EXPECT_EQ(mask_phones_in_text("电话139 1234 5678。"), "电话139 **** 5678。");
  EXPECT_EQ(mask_phones_in_text("137-2345-6789"), "137-****-6789");
  EXPECT_EQ(mask_phones_in_text("+86 13912345678"), "+86 139****5678");
  EXPECT_EQ(mask_phones_in_text("8613912345678"), "86139****5678");
  EXPECT_EQ(mask_phones_in_text("0086-139-1234-5678"), "0086-139-****-5678");
  EXPECT_EQ(mask_phones_in_text("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94"
                                "\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98"),  // １３９１２３４５６７８
            "\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x99****\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98");
  EXPECT_EQ(mask_phones_in_text("139\u200B1234\u200B5678"), "139\u200B****\u200B5678");
  EXPECT_EQ(mask_phones_in_text("13912345678,13887654321"), "139****5678,138****4321");
  EXPECT_EQ(mask_phones_in_text("139 1234 5678 138 8765 4321"), "139 **** 5678 138 **** 4321");
  EXPECT_EQ(mask_phones_in_text("12345678901"), "123****8901");  // 11 digits from a 1, as before
  // Not phone numbers: left alone.
  for (const char* s : {"1398765432", "2024-03-04 09:00", "P00000001", "0512-65223456",
                        "第3栋1单元1302室", "10086", "", "共12户，38人"}) {
    EXPECT_EQ(mask_phones_in_text(s), s);
  }
}

TEST(Open311Phones, NoneLeaksFromAnyFieldOfEitherDocument) {
  std::unique_ptr<Engine> engine = make_engine();
  Engine& e = *engine;
  const Timestamp t = at(2024, 3, 4);
  const auto all = corpus();
  std::string filler;
  for (std::size_t c = 0; c < 4000; ++c) filler += "长";
  std::size_t k = 0;
  for (const Spelling& s : all) {
    ++k;
    const std::string who = absl::StrCat("r-", k);
    // The text (description).
    EventPayload p;
    p.petitioner = who;
    p.location = "G111";
    p.category = "noise";
    p.text = absl::StrCat("请联系", s.text, "谢谢");
    ASSERT_TRUE(e.submit(Actor{who, Role::kResident, ""}, p, t).ok());
    if (k % 9 != 0) continue;
    // A reject reason, a resolve answer (status_notes).
    const PetitionId rejected = submit(e, "G112", "parking", t, Channel::kOnlinePlatform, who);
    ASSERT_TRUE(e.reject(kOfficer, rejected, absl::StrCat("重复，请联系", s.text), t + 60).ok());
    const PetitionId resolved = submit(e, "G121", "noise", t, Channel::kOnlinePlatform, who);
    take_up(e, resolved, t);
    ASSERT_TRUE(e.resolve(kOfficer, resolved, absl::StrCat("已处理，联系电话", s.text), t + 120).ok());
    if (k % 45 != 0) continue;
    // A text cut at 4,000 characters inside the number, at each of its characters.
    const std::size_t chars = decode(s.text).size();
    for (std::size_t in = 1; in < chars; ++in) {
      EventPayload q = p;
      q.text = filler.substr(0, 3 * (4000 - in)) + s.text + "尾";
      ASSERT_TRUE(e.submit(Actor{who, Role::kResident, ""}, q, t).ok());
    }
  }
  // A category id written as a number ("a-z, 0-9, _ - ." allows it).
  const PetitionId odd = submit(e, "G211", "139-8765-4321", t);
  ASSERT_NE(odd, kNoPetition);
  auto ex = export_open311(e);
  ASSERT_TRUE(ex.ok()) << ex.status();
  // Every string of both documents, read as a reader would.
  std::vector<std::string> strings;
  for (const std::string* doc : {&ex->requests_json, &ex->services_json}) {
    const json::value parsed = json::parse(*doc);
    for (const auto& item : parsed.as_array())
      for (const auto& [key, value] : item.as_object())
        if (value.is_string()) strings.emplace_back(value.as_string());
  }
  ASSERT_GT(strings.size(), 8 * all.size());
  for (const std::string& v : strings) {
    const std::string read = digits_read(v);
    for (const std::string& n : kNumbers) {
      ASSERT_FALSE(leaks_read(read, n)) << n << " in " << v.substr(v.size() > 200 ? v.size() - 200 : 0);
    }
  }
  // The description is still cut to 4,000 characters, after masking.
  const json::value requests = json::parse(ex->requests_json);
  for (const auto& item : requests.as_array())
    EXPECT_LE(code_points(std::string(item.at("description").as_string())), 4000u);
  // With raw data asked for, nothing is masked.
  Open311Options raw;
  raw.raw_personal_data = true;
  auto rx = export_open311(e, raw);
  ASSERT_TRUE(rx.ok());
  EXPECT_NE(rx->requests_json.find(absl::StrCat("请联系", all.front().text)), std::string::npos);
}

}  // namespace
}  // namespace jiceng
