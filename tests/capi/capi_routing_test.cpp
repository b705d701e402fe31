// Issue 23 through the C ABI: response templates (jc_engine_response_text), 四方协同
// routing (jc_engine_route_party_json) and the escalation ladder's level in the view.
#include <string>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

jc_engine* national_engine() {
  jc_engine* e = nullptr;
  jc_engine_options o;
  EXPECT_EQ(jc_engine_options_init(&o, JC_ENGINE_OPTIONS_VERSION), JC_OK);
  o.policy = "national";
  EXPECT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  return e;
}

TEST(CapiRouting, ResponseTextPartyAndLadderLevel) {
  jc_engine* e = national_engine();
  jc_submission s = sample_submission();
  s.location = "H-C01B01-1201";
  s.category = "property";
  uint64_t id = 0;
  ASSERT_OK(jc_engine_submit(&id, e, &kResident, &s, kMon));
  char* out = nullptr;
  ASSERT_OK(jc_engine_response_text(&out, e, id));
  EXPECT_EQ(take(out), "您的诉求已登记，编号P00000001，我们将于2025年1月7日 17:30前决定是否受理。");
  ASSERT_OK(jc_engine_route_party_json(&out, e, "property", "H-C02B01-0301"));
  const std::string party = take(out);
  EXPECT_NE(party.find(R"("party":"compound_party_org")"), std::string::npos) << party;
  EXPECT_NE(party.find(R"("listed":"property_company")"), std::string::npos) << party;
  EXPECT_NE(party.find(R"("fallback":true)"), std::string::npos) << party;
  EXPECT_NE(party.find(R"("unit":"320506001002C02")"), std::string::npos) << party;
  ASSERT_OK(jc_engine_petition_json(&out, e, id, 0));
  const std::string view = take(out);
  EXPECT_NE(view.find(R"("party":"property_company")"), std::string::npos) << view;
  EXPECT_NE(view.find(R"("party_unit":"320506ICP1")"), std::string::npos) << view;
  EXPECT_NE(view.find(R"("ladder_level":0)"), std::string::npos) << view;

  // Bad input: a clear status naming the argument, nothing changed.
  const std::string before = digest(e);
  uint64_t seq = 0;
  ASSERT_OK(jc_engine_last_seq(&seq, e));
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_response_text(&out, e, 99));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_response_text(nullptr, e, id));
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_route_party_json(&out, e, "property", "H-NOWHERE"));
  EXPECT_NE(last_error().find("H-NOWHERE"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_route_party_json(&out, e, nullptr, "H-C01B01-1201"));
  EXPECT_NE(last_error().find("category"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_route_party_json(&out, e, "Bad Category", "H-C01B01-1201"));
  const char* bad_template = R"({"name": "t", "extends": "national", "rules": [{"id": "petition.responses",
      "params": {"templates": {"property": {"received": "{petition_id} {nobody}"}}}}]})";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_policy(e, bad_template, kMon + 60));
  EXPECT_NE(last_error().find("category property, state received"), std::string::npos) << last_error();
  EXPECT_NE(last_error().find("{nobody}"), std::string::npos) << last_error();
  EXPECT_EQ(digest(e), before);
  uint64_t seq_after = 0;
  ASSERT_OK(jc_engine_last_seq(&seq_after, e));
  EXPECT_EQ(seq_after, seq);
  jc_engine_free(e);
}

}  // namespace
