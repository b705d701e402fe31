// Open311 GeoReport v2 export: each rule of the specification, checked on the parsed output.
#include <regex>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace jiceng
