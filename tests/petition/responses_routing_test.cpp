// Response templates (答复模板) and 四方协同 routing inside a compound (issue 23).
#include <cstdio>
#include <fstream>

#include "common/strings.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

constexpr const char* kC01Household = "H-C01B01-1201";  // 君临新城: property branch under a tripartite agreement
constexpr const char* kC02Household = "H-C02B01-0301";  // 琴东雅苑: served without an agreement
constexpr const char* kC02 = "320506001002C02";
constexpr const char* kOwnersGroupC01 = "320506001002C01Q";

std::string unit_name(const Engine& e, std::string_view id) { return std::string(e.org().name(*e.org().find(id))); }

TEST(ResponseTemplates, TheDefaultPolicyAnswersInChineseWithThePlaceholdersFilled) {
  auto e = make_engine();
  auto id = *e->submit(resident(), submission(), at(2026, 3, 2, 8));
  EXPECT_EQ(*e->response_text(id), "您的诉求已登记，编号P00000001，我们将于2026年3月3日 17:30前决定是否受理。");
  ASSERT_TRUE(e->accept(grid_worker(), id, at(2026, 3, 2, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, at(2026, 3, 2, 10)).ok());
  // The category's own template (noise) for dispatched, naming the unit and its sign deadline.
  EXPECT_EQ(*e->response_text(id), internal::cat("您反映的噪声扰民问题（P00000001）已派至", unit_name(*e, kGrid),
                                                 "，将于2026年3月3日 17:30前签收处理。"));
  ASSERT_TRUE(e->sign(grid_worker(), id, at(2026, 3, 2, 11)).ok());
  // noise has no in_progress template: the default category's.
  EXPECT_EQ(*e->response_text(id),
            internal::cat(unit_name(*e, kGrid), "正在办理您的诉求P00000001，办理时限为2026年3月9日 17:30。"));
  // Every state of a petition has a text under the default policy.
  for (State s : {State::kClosed, State::kWithdrawn, State::kMerged, State::kRejected, State::kResolved}) {
    const PetitionId p = drive_to(*e, s, at(2026, 3, 4));
    auto text = e->response_text(p);
    ASSERT_TRUE(text.ok()) << to_string(s) << " " << text.status();
    EXPECT_NE(text->find(Engine::display_id(p)), std::string::npos) << *text;
  }
  EXPECT_EQ(e->response_text(999).status().code(), absl::StatusCode::kNotFound);
}

TEST(ResponseTemplates, AnUnknownPlaceholderIsRefusedAtLoadAndChangesNothing) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kDispatched, at(2026, 3, 2));
  const std::string snap = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  const std::string before = *e->response_text(id);
  auto policy = [](std::string_view text) {
    return internal::cat(R"({"name": "t", "extends": "national", "rules": [{"id": "petition.responses",
        "params": {"templates": {"noise": {"dispatched": ")",
                         text, R"("}}}}]})");
  };
  const std::pair<std::string_view, std::string_view> bad[] = {
      {"已派至{unit}，联系人{contact_person}", "unknown placeholder {contact_person}"},
      {"已派至{unit", "unclosed \\\"{\\\""},
      {"已派至unit}", "lone \\\"}\\\""},
      {"已派至{}", "empty placeholder"},
  };
  for (const auto& [text, what] : bad) {
    SCOPED_TRACE(text);
    const absl::Status st = e->set_policy(policy(text), at(2026, 3, 2, 12));
    ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    const std::string msg(st.message());
    EXPECT_NE(msg.find("policy file set_policy"), std::string::npos) << msg;
    EXPECT_NE(msg.find("petition.responses"), std::string::npos) << msg;
    EXPECT_NE(msg.find("category noise, state dispatched"), std::string::npos) << msg;
    std::string want(what);
    for (std::size_t k; (k = want.find("\\\"")) != std::string::npos;) want.replace(k, 2, "\"");
    EXPECT_NE(msg.find(want), std::string::npos) << msg;
    EXPECT_EQ(e->snapshot(), snap);
    EXPECT_EQ(e->last_seq(), seq);
    EXPECT_EQ(*e->response_text(id), before);
  }
  // A file names itself; a template of an unknown state is an unknown parameter.
  const std::string path = ::testing::TempDir() + "/responses_bad.json";
  {
    std::ofstream f(path);
    f << policy("{deadline}前{oops}");
  }
  auto set = PolicySet::load_file(path);
  ASSERT_FALSE(set.ok());
  const std::string set_msg(set.status().message());
  EXPECT_NE(set_msg.find(internal::cat("policy file ", path)), std::string::npos) << set_msg;
  EXPECT_NE(set_msg.find("{oops}"), std::string::npos) << set_msg;
  std::remove(path.c_str());
  auto unknown_state = PolicySet::from_json(R"({"name": "t", "extends": "national", "rules": [
      {"id": "petition.responses", "params": {"templates": {"noise": {"handled": "x"}}}}]})",
                                            "t.json");
  ASSERT_FALSE(unknown_state.ok());
  EXPECT_NE(std::string(unknown_state.status().message()).find("params.templates.noise.handled"), std::string::npos)
      << unknown_state.status();
  // A good override takes effect; braces are written doubled.
  ASSERT_TRUE(e->set_policy(policy("{{{petition_id}}} 派至 {unit}"), at(2026, 3, 2, 13)).ok());
  EXPECT_EQ(*e->response_text(id), internal::cat("{", Engine::display_id(id), "} 派至 ", unit_name(*e, kGrid)));
  // Without a template for the state (the default removed): NOT_FOUND, naming what is missing.
  ASSERT_TRUE(e->set_policy(R"({"name": "t2", "extends": "national", "rules": [{"id": "petition.responses",
      "params": {"templates": {"default": null}}}]})",
                            at(2026, 3, 2, 14))
                  .ok());
  auto none = e->response_text(drive_to(*e, State::kAccepted, at(2026, 3, 3)));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound) << none.status();
  EXPECT_NE(std::string(none.status().message()).find("state accepted"), std::string::npos) << none.status();
}

TEST(CompoundRouting, EachPartyAndTheTripartiteFallback) {
  auto e = make_engine();
  auto check = [&](std::string_view category, std::string_view location, CompoundParty party, std::string_view unit,
                   bool fallback) -> PartyRoute {
    SCOPED_TRACE(internal::cat(category, " at ", location));
    auto r = e->route_party(category, location);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->party, party) << to_string(r->party);
    EXPECT_EQ(r->unit, unit);
    EXPECT_EQ(r->fallback, fallback) << r->reason;
    if (!unit.empty()) {
      EXPECT_EQ(r->unit_name, unit_name(*e, unit));
    }
    return *r;
  };
  // 物业服务企业 under a tripartite agreement (君临新城).
  auto p = check("property", kC01Household, CompoundParty::kPropertyCompany, kPropertyBranch, false);
  EXPECT_EQ(p.compound, "君临新城");
  // No agreement on record for 琴东雅苑: the compound party organization takes it.
  auto f = check("property", kC02Household, CompoundParty::kCompoundPartyOrg, kC02, true);
  EXPECT_EQ(f.listed, CompoundParty::kPropertyCompany);
  EXPECT_NE(f.reason.find("三方协议"), std::string::npos) << f.reason;
  // 业主委员会 (its party work group in 君临新城); 琴东雅苑 has none on record.
  check("noise", kC01Household, CompoundParty::kOwnersCommittee, kOwnersGroupC01, false);
  check("noise", kC02Household, CompoundParty::kCompoundPartyOrg, kC02, true);
  // 社会组织: served under the community's contract, so the community's unit stands for it.
  check("elderly_meals", kC01Household, CompoundParty::kSocialOrganization, kOtherCommunity, false);
  // 小区党组织 for disputes and for any category not listed.
  check("disputes", kC01Household, CompoundParty::kCompoundPartyOrg, kCompoundC01, false);
  check("pets", kC01Household, CompoundParty::kCompoundPartyOrg, kCompoundC01, false);
  // An urban grid whose buildings carry a compound's label (龙桥苑): the grid's branch leads.
  auto g = check("noise", "H-G02B01-0101", CompoundParty::kCompoundPartyOrg, "320506001001G02", true);
  EXPECT_EQ(g.compound, "龙桥苑");
  // Not in a compound (a grid without labels, a community's own unit): none.
  check("property", kHousehold, CompoundParty::kNone, "", false);
  check("property", kCommunity, CompoundParty::kNone, "", false);
  // The petition view shows it; policy dispatch keeps the category's level in national.
  const PetitionId id = *e->submit(resident("r9"), submission("noise", kC01Household, "r9"), at(2026, 3, 2, 8));
  ASSERT_TRUE(e->accept(street_officer(), id, at(2026, 3, 2, 9)).ok());
  ASSERT_TRUE(e->dispatch(street_officer(), id, "", false, at(2026, 3, 2, 10)).ok());
  auto v = *e->get(id);
  EXPECT_EQ(v.party, CompoundParty::kOwnersCommittee);
  EXPECT_EQ(v.party_unit, kOwnersGroupC01);
  EXPECT_FALSE(v.party_fallback);
  EXPECT_EQ(v.current_unit, kCompoundC01);
  // Bad input: named, nothing changes.
  const std::string snap = e->snapshot();
  EXPECT_EQ(e->route_party("noise", "H-NOWHERE").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->route_party("Noise!", kC01Household).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->snapshot(), snap);
}

// A district that sends compound matters to the party's unit and keeps them in the community.
constexpr std::string_view kDispatchToParty = R"({"name": "compound-district", "extends": "national", "rules": [
  {"id": "petition.compound_parties", "params": {"dispatch_to_party": true, "ceiling": 2}}]})";

TEST(CompoundRouting, DispatchToThePartyAndTheCompoundCeilingWithReplay) {
  auto e = make_engine();
  ASSERT_TRUE(e->set_policy(kDispatchToParty, at(2026, 3, 1)).ok());
  auto send = [&](std::string category, std::string location, std::string who, Severity sev) {
    auto s = submission(std::move(category), std::move(location), who);
    s.severity = sev;
    const PetitionId id = *e->submit(resident(who), s, at(2026, 3, 2, 8));
    EXPECT_TRUE(e->accept(street_officer(), id, at(2026, 3, 2, 9)).ok());
    EXPECT_TRUE(e->dispatch(street_officer(), id, "", false, at(2026, 3, 2, 10)).ok());
    return id;
  };
  const PetitionId noise = send("noise", kC01Household, "a", Severity::kMinor);
  const PetitionId parking = send("parking", kC01Household, "b", Severity::kMajor);
  const PetitionId parking_c02 = send("parking", kC02Household, "c", Severity::kMinor);
  const PetitionId outside = send("noise", kHousehold, "d", Severity::kMajor);  // a grid outside any compound
  EXPECT_EQ(e->get(noise)->current_unit, kOwnersGroupC01);
  EXPECT_EQ(e->get(parking)->current_unit, kPropertyBranch);
  EXPECT_EQ(e->get(parking_c02)->current_unit, kC02) << "no tripartite agreement: the compound's branch";
  EXPECT_EQ(e->get(outside)->current_unit, kGrid);
  // A month of the clock: the major matter in 君临新城 stops at the community (the compound's
  // ceiling); the major one outside any compound climbs to the street as its severity allows.
  for (int d = 3; d <= 31; ++d) ASSERT_TRUE(e->tick(at(2026, 3, d, 20)).ok());
  EXPECT_EQ(e->get(parking)->current_unit, kOtherCommunity);
  EXPECT_EQ(e->get(outside)->current_unit, kStreet);
  EXPECT_EQ(e->get(noise)->current_unit, kOtherCommunity);
  // The reason a manual escalation beyond it is refused names the compound's ceiling.
  auto st = e->escalate(staff(Role::kCommunitySecretary, kOtherCommunity), parking, "up", at(2026, 4, 1));
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_NE(std::string(st.message()).find("inside a compound stop at level 2"), std::string::npos) << st;
  // Replay and restore give the same state.
  auto fresh = Engine::create("national");
  ASSERT_TRUE(fresh.ok());
  for (const Event& ev : e->events(1, 1 << 20)) ASSERT_TRUE((*fresh)->apply_event(ev).ok()) << ev.seq;
  EXPECT_EQ((*fresh)->snapshot(), e->snapshot());
  auto restored = *Engine::create("national");
  ASSERT_TRUE(restored->restore(e->snapshot()).ok());
  EXPECT_EQ(restored->snapshot(), e->snapshot());
  EXPECT_EQ(restored->get(noise)->party, CompoundParty::kOwnersCommittee);
}

TEST(CompoundRouting, AMalformedTableIsRefusedAndChangesNothing) {
  auto e = make_engine();
  drive_to(*e, State::kDispatched, at(2026, 3, 2));
  const std::string snap = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  for (std::string_view params : {R"({"categories": {"noise": {"party": "residents"}}})", R"({"fallback": "nobody"})",
                                  R"({"ceiling": 7})", R"({"dispatch_to_party": "yes"})"}) {
    SCOPED_TRACE(params);
    const absl::Status st = e->set_policy(
        internal::cat(R"({"name": "t", "extends": "national", "rules": [{"id": "petition.compound_parties", "params": )",
                      params, "}]}"),
        at(2026, 3, 2, 12));
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    EXPECT_NE(std::string(st.message()).find("petition.compound_parties"), std::string::npos) << st;
    EXPECT_EQ(e->snapshot(), snap);
    EXPECT_EQ(e->last_seq(), seq);
  }
}

}  // namespace
}  // namespace jiceng::testing
