// The assessment loop (考评): credit records of property companies, score = base + Σ with no
// floor, grades and the red and black lists cut by the policy's bands per period, the
// petition figures, role × scope cells, bad input that changes nothing, replay and snapshots.
#include <gtest/gtest.h>

#include "jiceng/kpi.hpp"
#include "loop/commitments_loop.hpp"
#include "loop/civic_fixture.hpp"

namespace jiceng {
namespace {

using namespace civic_test;
namespace json = boost::json;

constexpr const char* kLoopName = "assessment";
constexpr const char* kCompanyA =
    R"({"unit":"D","name":"苏州甲物业服务有限公司","credit_code":"91320506MA1ABCDE01","projects":["G111","G112"]})";
constexpr const char* kCompanyB =
    R"({"unit":"D","name":"苏州乙物业管理有限公司","credit_code":"91320506MA1ABCDE02","projects":["G211"]})";
const Timestamp kQ3 = at("2026-08-03") + 10 * 3600;  // in 2026Q3
const Timestamp kQ4 = at("2026-11-02") + 10 * 3600;  // in 2026Q4

absl::StatusOr<LoopOutcome> cmd(Engine& e, std::string_view event, std::uint64_t item, const Actor& a, Timestamp t,
                                std::string_view payload = "") {
  return run(e, kLoopName, event, item, a, t, payload);
}

std::string record(std::string_view unit, std::string_view company, int points, std::string_view project = "") {
  std::string s = internal::cat(R"({"unit":")", unit, R"(","company":")", company, R"(","credit":")",
                                points > 0 ? "good" : "bad", R"(","points":)", points, R"(,"reason":"理由")");
  if (!project.empty()) s += internal::cat(R"(,"project":")", project, "\"");
  return s + "}";
}

json::object company_row(const json::object& results, std::string_view id) {
  for (const auto& r : results.at("companies").as_array()) {
    if (r.as_object().at("company").as_string() == civic::jv(id)) return r.as_object();
  }
  ADD_FAILURE() << "no row for " << id;
  return {};
}

TEST(Assessment, TableChecksAndIsRegistered) {
  EXPECT_TRUE(check_table(assessment_table()).ok());
  auto e = make_engine();
  const auto& loops = e->loops();
  EXPECT_NE(std::find(loops.begin(), loops.end(), std::string(kLoopName)), loops.end());
}

TEST(Assessment, ScoresAreBasePlusTheSumWithNoFloorAndListsFollowTheBands) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());  // A00000001
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyB).ok());  // A00000002
  // A street records on a project in its area; the district at company level.
  ASSERT_TRUE(cmd(*e, "record", 0, kStreet, kQ3 + 1, record("S1", "A00000001", 5, "G111")).ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kOtherStreet, kQ3 + 2, record("S2", "A00000002", -60, "G211")).ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ3 + 3, record("D", "A00000002", -60)).ok());
  auto revoked = cmd(*e, "record", 0, kDistrict, kQ3 + 4, record("D", "A00000002", -30));
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(cmd(*e, "revoke", revoked->item, kDistrict, kQ3 + 5, R"({"reason":"复核撤销"})").ok());
  // Deductions below zero: 100 − 60 − 60 = −20 (the revoked −30 does not count).
  auto s = query(*e, kLoopName, "scores", R"({"period":"2026Q3"})");
  auto a = company_row(s, "A00000001");
  auto b = company_row(s, "A00000002");
  EXPECT_EQ(a.at("score").as_int64(), 105);
  EXPECT_EQ(a.at("grade").as_string(), "AAA");
  EXPECT_EQ(a.at("list").as_string(), "red");
  EXPECT_EQ(b.at("score").as_int64(), -20);
  EXPECT_EQ(b.at("grade").as_string(), "C");
  EXPECT_EQ(b.at("list").as_string(), "black");
  EXPECT_EQ(b.at("bad_points").as_int64(), -120);
  EXPECT_EQ(b.at("records").as_int64(), 2);
  // Project scores: each project from its own records.
  const auto& pa = a.at("projects").as_array();
  ASSERT_EQ(pa.size(), 2u);
  EXPECT_EQ(pa[0].as_object().at("unit").as_string(), "G111");
  EXPECT_EQ(pa[0].as_object().at("score").as_int64(), 105);
  EXPECT_EQ(pa[1].as_object().at("score").as_int64(), 100);
  EXPECT_EQ(b.at("projects").as_array()[0].as_object().at("score").as_int64(), 40);
  EXPECT_EQ(b.at("projects").as_array()[0].as_object().at("grade").as_string(), "C");
  // Band boundaries: exactly 85 is AAA, 84 is AA; 60 is B, 59 is C.
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4, record("D", "A00000001", -15)).ok());
  EXPECT_EQ(company_row(query(*e, kLoopName, "scores", R"({"period":"2026Q4"})"), "A00000001").at("grade").as_string(),
            "AAA");
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4 + 1, record("D", "A00000001", -1)).ok());
  auto q4 = query(*e, kLoopName, "scores", R"({"period":"2026Q4"})");
  EXPECT_EQ(company_row(q4, "A00000001").at("score").as_int64(), 84);
  EXPECT_EQ(company_row(q4, "A00000001").at("grade").as_string(), "AA");
  EXPECT_EQ(company_row(q4, "A00000001").at("list").as_string(), "");
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4 + 2, record("D", "A00000002", -40)).ok());
  EXPECT_EQ(company_row(query(*e, kLoopName, "scores", R"({"period":"2026Q4"})"), "A00000002").at("grade").as_string(),
            "B");
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4 + 3, record("D", "A00000002", -1)).ok());
  EXPECT_EQ(company_row(query(*e, kLoopName, "scores", R"({"period":"2026Q4"})"), "A00000002").at("grade").as_string(),
            "C");
  // All records so far, no period: 100 + 5 − 16 = 89; 100 − 120 − 41 = −61.
  auto all = query(*e, kLoopName, "scores");
  EXPECT_EQ(company_row(all, "A00000001").at("score").as_int64(), 89);
  EXPECT_EQ(company_row(all, "A00000002").at("score").as_int64(), -61);
  expect_replay_equal(*e, sink, kLoopName, {{"scores", ""}, {"scores", R"({"period":"2026Q3"})"}, {"companies", ""}});
}

// A property petition at `grid`, dispatched by the community to `unit` and signed there.
PetitionId routed_petition(Engine& e, std::string_view grid, std::string_view unit, Timestamp t) {
  EventPayload sub;
  sub.petitioner = "R1";
  sub.category = "property";
  sub.location = std::string(grid);
  static int n = 0;  // a text of its own: a repeat of the same text would be a duplicate
  sub.text = internal::cat("电梯故障 ", ++n, " 号楼");
  auto pid = e.submit(Actor{"R1", Role::kResident, ""}, sub, t);
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (!pid.ok()) return kNoPetition;
  EXPECT_TRUE(e.accept(kStaff, *pid, t).ok());
  EXPECT_TRUE(e.dispatch(kStaff, *pid, unit, false, t).ok());
  const Actor handler{"pb", Role::kPropertyCompany, std::string(unit)};
  auto signed_ = e.sign(unit == "PB1" ? handler : kStaff, *pid, t);
  EXPECT_TRUE(signed_.ok()) << signed_;
  return *pid;
}

const Actor kCompanyHand{"pb", Role::kPropertyCompany, "PB1"};
const Actor kResidentR1{"R1", Role::kResident, ""};

json::object petitions_of(const Engine& e, std::string_view params) {
  return company_row(query(e, kLoopName, "scores", params), "A00000001").at("petitions").as_object();
}

// The company's petition figures are read from the engine's petitions: those at the property
// branch serving its projects under a tripartite agreement (PB1 for G111, G112), submitted in
// the period; they follow every change of a petition and agree with the KPIs of the branch.
TEST(Assessment, PetitionFiguresFollowThePetitionsRoutedToTheCompany) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyB).ok());
  const char* q3 = R"({"period":"2026Q3"})";
  auto none = petitions_of(*e, q3);
  EXPECT_EQ(none.at("received").as_int64(), 0);
  EXPECT_EQ(none.at("closed_percent").as_string(), "");  // no petitions, no rate
  EXPECT_EQ(json::serialize(none.at("branches")), R"(["PB1"])");
  const PetitionId p1 = routed_petition(*e, "G111", "PB1", kQ3);
  const PetitionId p2 = routed_petition(*e, "G112", "PB1", kQ3 + 60);
  routed_petition(*e, "G112", "G112", kQ3 + 120);  // handled by the grid, not the company
  routed_petition(*e, "G111", "PB1", kQ4);         // the next quarter
  auto f = petitions_of(*e, q3);
  EXPECT_EQ(f.at("received").as_int64(), 2);
  EXPECT_EQ(f.at("closed").as_int64(), 0);
  EXPECT_EQ(f.at("closed_percent").as_string(), "0.00");
  ASSERT_TRUE(e->resolve(kCompanyHand, p1, "已修复", kQ3 + 3600).ok());
  EXPECT_EQ(petitions_of(*e, q3).at("closed_percent").as_string(), "50.00");
  ASSERT_TRUE(e->evaluate(kResidentR1, p1, Evaluation{true, true, Satisfaction::kSatisfied}, kQ3 + 7200).ok());
  ASSERT_TRUE(e->resolve(kCompanyHand, p2, "已修复", kQ3 + 7200).ok());
  ASSERT_TRUE(e->evaluate(kResidentR1, p2, Evaluation{true, false, Satisfaction::kUnsatisfied}, kQ3 + 7300).ok());
  f = petitions_of(*e, q3);
  EXPECT_EQ(f.at("closed").as_int64(), 2);
  EXPECT_EQ(f.at("rated").as_int64(), 2);
  EXPECT_EQ(f.at("satisfied").as_int64(), 1);
  EXPECT_EQ(f.at("satisfied_percent").as_string(), "50.00");
  EXPECT_EQ(f.at("overdue_percent").as_string(), "0.00");
  // Before anything leaves the branch: the same counts as the branch's KPIs over the quarter.
  auto period = parse_kpi_period("2026-07-01", "2026-09-30");
  ASSERT_TRUE(period.ok());
  auto kpi = compute_kpis(*e, "PB1", *period);
  ASSERT_TRUE(kpi.ok()) << kpi.status();
  EXPECT_EQ(f.at("received").as_int64(), static_cast<std::int64_t>(kpi->counts.received));
  EXPECT_EQ(f.at("closed").as_int64(), static_cast<std::int64_t>(kpi->counts.done));
  EXPECT_EQ(f.at("overdue").as_int64(), static_cast<std::int64_t>(kpi->counts.ever_overdue));
  EXPECT_EQ(f.at("rated").as_int64(), static_cast<std::int64_t>(kpi->counts.evaluated));
  EXPECT_EQ(f.at("satisfied").as_int64(), static_cast<std::int64_t>(kpi->counts.satisfied));
  // A petition left undone past its deadline: the clock marks it overdue (and the ladder
  // takes it up the hierarchy); it stays in the company's figures, and the rate follows.
  const PetitionId late = routed_petition(*e, "G111", "PB1", kQ3 + 86400);
  ASSERT_TRUE(e->tick(kQ3 + 40 * 86400).ok());
  f = petitions_of(*e, q3);
  EXPECT_EQ(f.at("received").as_int64(), 3);
  EXPECT_EQ(f.at("overdue").as_int64(), 1);
  EXPECT_EQ(f.at("overdue_percent").as_string(), "33.33");
  EXPECT_TRUE(e->get(late)->ever_overdue);
  // Without a period: every petition at the branch; company B serves no branch.
  EXPECT_EQ(petitions_of(*e, "").at("received").as_int64(), 4);
  auto b = company_row(query(*e, kLoopName, "scores", q3), "A00000002").at("petitions").as_object();
  EXPECT_EQ(b.at("received").as_int64(), 0);
  EXPECT_TRUE(b.at("branches").as_array().empty());
  // A payload cannot bring figures of its own: there is no such event any more.
  auto typed = cmd(*e, "figures", 0, kDistrict, kQ4, R"({"company":"A00000001","received":40})");
  EXPECT_FALSE(typed.ok());
  expect_replay_equal(*e, sink, kLoopName, {{"scores", q3}, {"scores", ""}});
}

TEST(Assessment, APeriodPublishesItsListsWithThePetitionFiguresAfterItEnds) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyB).ok());
  auto p = cmd(*e, "open_period", 0, kDistrict, kQ3, R"({"unit":"D","period":"2026Q3"})");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kStreet, kQ3 + 1, record("S1", "A00000001", 3, "G112")).ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ3 + 2, record("D", "A00000002", -45)).ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4, record("D", "A00000002", -500)).ok());  // next quarter
  const PetitionId p1 = routed_petition(*e, "G111", "PB1", kQ3 + 10);
  ASSERT_TRUE(e->resolve(kCompanyHand, p1, "已处理", kQ3 + 3600).ok());
  ASSERT_TRUE(e->evaluate(kResidentR1, p1, Evaluation{true, true, Satisfaction::kSatisfied}, kQ3 + 7200).ok());
  routed_petition(*e, "G112", "PB1", kQ3 + 20);
  // Not before the period ends (the first second of 2026-10-01, China time).
  const Observed before = state_of(*e, kLoopName);
  auto early = cmd(*e, "publish", p->item, kDistrict, at("2026-10-01") - 1);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  auto early2 = cmd(*e, "open_period", 0, kDistrict, kQ3, R"({"unit":"S1","period":"2026Q4"})");
  ASSERT_TRUE(early2.ok());
  auto not_ended = cmd(*e, "publish", early2->item, kDistrict, kQ4 + 5);
  EXPECT_EQ(not_ended.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(not_ended.status().message().find("2026Q4 has not ended"), std::string::npos);
  EXPECT_EQ(state_of(*e, kLoopName).seq, before.seq + 1);
  ASSERT_TRUE(e->tick(at("2026-09-30")).ok());  // marks the second petition overdue; Q3 still open
  ASSERT_TRUE(cmd(*e, "publish", p->item, kDistrict, kQ4 + 10, R"({"note":"第三季度红黑榜"})").ok());
  auto item = query(*e, kLoopName, "get", "{\"item\":" + std::to_string(p->item) + "}");
  EXPECT_EQ(item["state"].as_string(), "published");
  const auto& res = item["data"].as_object().at("results").as_object();
  EXPECT_EQ(res.at("red").as_array().size(), 1u);
  EXPECT_EQ(res.at("red").as_array()[0].as_string(), "A00000001");
  EXPECT_EQ(res.at("black").as_array()[0].as_string(), "A00000002");
  auto a = company_row(res, "A00000001");
  EXPECT_EQ(a.at("score").as_int64(), 103);
  const auto& pet = a.at("petitions").as_object();
  EXPECT_EQ(pet.at("received").as_int64(), 2);
  EXPECT_EQ(pet.at("closed_percent").as_string(), "50.00");
  EXPECT_EQ(pet.at("satisfied_percent").as_string(), "100.00");
  EXPECT_EQ(pet.at("overdue_percent").as_string(), "50.00");  // the second one, undone past its deadline
  auto b = company_row(res, "A00000002");
  EXPECT_EQ(b.at("score").as_int64(), 55);  // the Q4 −500 is not in Q3
  EXPECT_EQ(b.at("petitions").as_object().at("closed_percent").as_string(), "");  // no petitions, no rate
  // The first row is the highest score.
  EXPECT_EQ(res.at("companies").as_array()[0].as_object().at("company").as_string(), "A00000001");
  auto periods = query(*e, kLoopName, "periods");
  EXPECT_EQ(periods["periods"].as_array().size(), 2u);
  // The published lists are frozen in the event: records made and petitions answered later
  // do not change them (the live scores do).
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ4 + 20, record("D", "A00000001", -90)).ok());
  {
    const std::string holder = e->get(p1 + 1)->current_unit;  // the ladder took it up
    const Actor holder_actor{"h", holder == "C11" ? Role::kCommunityStaff : Role::kStreetOfficer, holder};
    ASSERT_TRUE(e->sign(holder_actor, p1 + 1, kQ4 + 30).ok());
    auto done = e->resolve(holder_actor, p1 + 1, "已处理", kQ4 + 30);
    ASSERT_TRUE(done.ok()) << holder << ": " << done;
  }
  auto again = query(*e, kLoopName, "get", "{\"item\":" + std::to_string(p->item) + "}");
  EXPECT_EQ(json::serialize(again["data"].as_object().at("results")), json::serialize(json::value(res)));
  EXPECT_EQ(petitions_of(*e, R"({"period":"2026Q3"})").at("closed_percent").as_string(), "100.00");
  expect_replay_equal(*e, sink, kLoopName, {{"periods", ""}, {"get", "{\"item\":" + std::to_string(p->item) + "}"}});
  // The publish event with another list, or other petition figures, does not replay.
  std::size_t index = sink.all.size();
  for (std::size_t i = 0; i < sink.all.size(); ++i) {
    if (sink.all[i].payload.document.find("\"event\":\"publish\"") != std::string::npos) index = i;
  }
  ASSERT_LT(index, sink.all.size());
  auto forge = [&](const std::string& from, const std::string& to) {
    std::string forged = sink.all[index].payload.document;
    EXPECT_NE(forged.find(from), std::string::npos) << forged;
    if (forged.find(from) != std::string::npos) forged.replace(forged.find(from), from.size(), to);
    return replay_tampered(sink, index, forged).code();
  };
  EXPECT_EQ(forge("\"black\":[\"A00000002\"]", "\"black\":[]"), absl::StatusCode::kDataLoss);
  EXPECT_EQ(forge("\"received\":2", "\"received\":40"), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(replay_tampered(sink, index, sink.all[index].payload.document).ok());
}

// The calendar closes each period at its end (close, by the system) and freezes the lists;
// a company on the black list stays on it until two published periods in a row without a
// black grade (black_list_release_periods: 2 in the Suzhou set), and is on no red list
// meanwhile.
TEST(Assessment, TheCalendarClosesPeriodsAndTheBlackListIsLeftByThePolicysRule) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());  // A00000001
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyB).ok());  // A00000002
  auto q3 = cmd(*e, "open_period", 0, kDistrict, kQ3, R"({"unit":"D","period":"2026Q3"})");
  ASSERT_TRUE(q3.ok());
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ3 + 1, record("D", "A00000002", -45)).ok());  // 55: C
  ASSERT_TRUE(cmd(*e, "record", 0, kDistrict, kQ3 + 2, record("D", "A00000001", 5)).ok());    // 105: AAA
  auto state = [&](std::uint64_t item) {
    return std::string(query(*e, kLoopName, "get", "{\"item\":" + std::to_string(item) + "}")["state"].as_string());
  };
  auto results = [&](std::uint64_t item) {
    return query(*e, kLoopName, "get", "{\"item\":" + std::to_string(item) + "}")["data"].as_object().at("results").as_object();
  };
  // The wake-up is the period's end; a tick before it closes nothing.
  EXPECT_EQ(e->next_wake(), at("2026-10-01"));
  ASSERT_TRUE(e->tick(at("2026-10-01") - 1).ok());
  EXPECT_EQ(state(q3->item), "open");
  ASSERT_TRUE(e->tick(at("2026-10-01")).ok());
  EXPECT_EQ(state(q3->item), "published");
  const std::size_t closed_at = loop_test::find_event(sink, "\"event\":\"close\"");
  ASSERT_LT(closed_at, sink.all.size());
  EXPECT_EQ(sink.all[closed_at].actor.role, Role::kSystem);
  EXPECT_EQ(sink.all[closed_at].time, at("2026-10-01"));
  auto r3 = results(q3->item);
  EXPECT_EQ(json::serialize(r3.at("black")), R"(["A00000002"])");
  EXPECT_EQ(json::serialize(r3.at("red")), R"(["A00000001"])");
  EXPECT_EQ(company_row(r3, "A00000002").at("black_since").as_string(), "2026Q3");
  // A closed period is not published again.
  EXPECT_EQ(cmd(*e, "publish", q3->item, kDistrict, at("2026-10-02")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Q4: no deductions, B grades AAA but stays on the black list (one clean period of two).
  auto q4 = cmd(*e, "open_period", 0, kDistrict, at("2026-10-02"), R"({"unit":"D","period":"2026Q4"})");
  ASSERT_TRUE(q4.ok());
  ASSERT_TRUE(e->tick(at("2027-01-01")).ok());
  auto r4 = results(q4->item);
  const auto b4 = company_row(r4, "A00000002");
  EXPECT_EQ(b4.at("grade").as_string(), "AAA");
  EXPECT_EQ(b4.at("list").as_string(), "black");
  EXPECT_EQ(b4.at("clean_periods").as_int64(), 1);
  EXPECT_EQ(b4.at("black_since").as_string(), "2026Q3");
  EXPECT_EQ(json::serialize(r4.at("red")), R"(["A00000001"])");  // not B: it is on the black list
  EXPECT_TRUE(r4.at("released").as_array().empty());
  EXPECT_EQ(r4.at("previous_period").as_string(), internal::cat("A0000000", q3->item));
  // 2027Q1: the second clean period; B leaves the black list and is on the red one.
  auto q1 = cmd(*e, "open_period", 0, kDistrict, at("2027-01-02"), R"({"unit":"D","period":"2027Q1"})");
  ASSERT_TRUE(q1.ok());
  ASSERT_TRUE(e->tick(at("2027-04-01")).ok());
  auto r1 = results(q1->item);
  EXPECT_EQ(json::serialize(r1.at("released")), R"(["A00000002"])");
  EXPECT_TRUE(r1.at("black").as_array().empty());
  EXPECT_EQ(company_row(r1, "A00000002").at("list").as_string(), "red");
  auto periods = query(*e, kLoopName, "periods")["periods"].as_array();
  ASSERT_EQ(periods.size(), 3u);
  EXPECT_EQ(json::serialize(periods[2].as_object().at("released")), R"(["A00000002"])");
  expect_replay_equal(*e, sink, kLoopName, {{"periods", ""}, {"get", "{\"item\":" + std::to_string(q1->item) + "}"}});
  // A close event whose carried list differs does not replay.
  std::size_t last_close = sink.all.size();
  for (std::size_t i = 0; i < sink.all.size(); ++i) {
    if (sink.all[i].payload.document.find("\"event\":\"close\"") != std::string::npos) last_close = i;
  }
  ASSERT_LT(last_close, sink.all.size());
  std::string forged = sink.all[last_close].payload.document;
  const std::string released = "\"released\":[\"A00000002\"]";
  ASSERT_NE(forged.find(released), std::string::npos) << forged;
  forged.replace(forged.find(released), released.size(), "\"released\":[]");
  EXPECT_EQ(replay_tampered(sink, last_close, forged).code(), absl::StatusCode::kDataLoss);
  // The clock's row is the clock's: a host's actor cannot close a period.
  auto q2 = cmd(*e, "open_period", 0, kDistrict, at("2027-04-02"), R"({"unit":"D","period":"2027Q2"})");
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(cmd(*e, "close", q2->item, kDistrict, at("2027-07-02")).status().code(), absl::StatusCode::kPermissionDenied);
}

// A record is amended (更正) or revoked (撤销) with a reason by the recording unit or a unit
// above it; the score follows; every other hand, and every bad amendment, changes nothing.
TEST(Assessment, RecordsAreAmendedOrRevokedByTheRecordingUnitOrAbove) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
  auto r = cmd(*e, "record", 0, kStreet, kQ3 + 1, record("S1", "A00000001", -20, "G111"));
  ASSERT_TRUE(r.ok());
  auto score = [&] {
    return company_row(query(*e, kLoopName, "scores", R"({"period":"2026Q3"})"), "A00000001").at("score").as_int64();
  };
  EXPECT_EQ(score(), 80);
  ASSERT_TRUE(cmd(*e, "amend", r->item, kStreet, kQ3 + 2, R"({"points":-10,"reason":"复核后核减扣分"})").ok());
  EXPECT_EQ(score(), 90);
  ASSERT_TRUE(cmd(*e, "amend", r->item, kDistrict, kQ3 + 3, R"({"credit":"good","points":2,"reason":"申诉成立"})").ok());
  EXPECT_EQ(score(), 102);
  auto data = query(*e, kLoopName, "get", "{\"item\":" + std::to_string(r->item) + "}")["data"].as_object();
  const auto& am = data.at("amendments").as_array();
  ASSERT_EQ(am.size(), 2u);
  EXPECT_EQ(am[0].as_object().at("points_before").as_int64(), -20);
  EXPECT_EQ(am[0].as_object().at("points").as_int64(), -10);
  EXPECT_EQ(am[1].as_object().at("credit_before").as_string(), "bad");
  EXPECT_EQ(am[1].as_object().at("by").as_string(), "d1");
  const Observed before = state_of(*e, kLoopName);
  const Actor community{"c", Role::kCommunitySecretary, "C11"};
  struct Case {
    std::string name;
    absl::Status status;
    absl::StatusCode code;
    std::string says;
  };
  const Timestamp t = kQ3 + 10;
  const std::vector<Case> cases = {
      {"another street", cmd(*e, "amend", r->item, kOtherStreet, t, R"({"points":5,"reason":"x"})").status(),
       absl::StatusCode::kPermissionDenied, "scope item_unit requires unit S1"},
      {"a community", cmd(*e, "amend", r->item, community, t, R"({"points":5,"reason":"x"})").status(),
       absl::StatusCode::kPermissionDenied, "allowed roles"},
      {"no change", cmd(*e, "amend", r->item, kStreet, t, R"({"points":2,"reason":"x"})").status(),
       absl::StatusCode::kInvalidArgument, "changes nothing"},
      {"a sign against the kind", cmd(*e, "amend", r->item, kStreet, t, R"({"points":-2,"reason":"x"})").status(),
       absl::StatusCode::kInvalidArgument, "a good record has positive points, not -2"},
      {"no reason", cmd(*e, "amend", r->item, kStreet, t, R"({"points":3})").status(), absl::StatusCode::kInvalidArgument,
       "\"reason\""},
      {"an unknown field", cmd(*e, "amend", r->item, kStreet, t, R"({"points":3,"reason":"x","company":"A00000002"})")
                               .status(),
       absl::StatusCode::kInvalidArgument, "company"},
      {"another street revokes", cmd(*e, "revoke", r->item, kOtherStreet, t, R"({"reason":"x"})").status(),
       absl::StatusCode::kPermissionDenied, "scope item_unit requires unit S1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name << ": " << c.status;
    EXPECT_NE(std::string(c.status.message()).find(c.says), std::string::npos) << c.name << ": " << c.status;
  }
  EXPECT_EQ(state_of(*e, kLoopName), before);
  ASSERT_TRUE(cmd(*e, "revoke", r->item, kStreet, kQ3 + 20, R"({"reason":"记录有误"})").ok());
  EXPECT_EQ(score(), 100);
  EXPECT_EQ(cmd(*e, "amend", r->item, kStreet, kQ3 + 30, R"({"points":3,"reason":"x"})").status().code(),
            absl::StatusCode::kFailedPrecondition);
  expect_replay_equal(*e, sink, kLoopName, {{"scores", R"({"period":"2026Q3"})"}, {"list", ""}});
}

TEST(Assessment, BadInputIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
  auto p = cmd(*e, "open_period", 0, kDistrict, kQ3, R"({"unit":"D","period":"2026Q3"})");
  ASSERT_TRUE(p.ok());
  const Observed before = state_of(*e, kLoopName);
  struct Case {
    std::string name;
    absl::Status status;
    absl::StatusCode code;
    std::string says;
  };
  const Timestamp t = kQ3 + 100;
  const std::vector<Case> cases = {
      {"a record for an unknown company", cmd(*e, "record", 0, kDistrict, t, record("D", "A00000099", -5)).status(),
       absl::StatusCode::kNotFound, "company \"A00000099\" is not a registered property company"},
      {"a record naming the period as company", cmd(*e, "record", 0, kDistrict, t, record("D", "A00000002", -5)).status(),
       absl::StatusCode::kNotFound, "A00000002"},
      {"a project the company does not serve",
       cmd(*e, "record", 0, kDistrict, t, record("D", "A00000001", -5, "G211")).status(),
       absl::StatusCode::kFailedPrecondition, "does not serve project G211"},
      {"a project outside the recording unit",
       cmd(*e, "record", 0, kStreet, t, record("S1", "A00000001", -5, "G211")).status(),
       absl::StatusCode::kPermissionDenied, "not within the recording unit S1"},
      {"another street's area", cmd(*e, "record", 0, kOtherStreet, t, record("S1", "A00000001", -5, "G111")).status(),
       absl::StatusCode::kPermissionDenied, "scope item_unit requires unit S1"},
      {"a bad record with points", cmd(*e, "record", 0, kDistrict, t,
                                      R"({"unit":"D","company":"A00000001","credit":"bad","points":5,"reason":"x"})")
                                       .status(),
       absl::StatusCode::kInvalidArgument, "a bad record has negative points, not 5"},
      {"zero points", cmd(*e, "record", 0, kDistrict, t,
                         R"({"unit":"D","company":"A00000001","credit":"good","points":0,"reason":"x"})")
                          .status(),
       absl::StatusCode::kInvalidArgument, "positive points"},
      {"no reason", cmd(*e, "record", 0, kDistrict, t, R"({"unit":"D","company":"A00000001","credit":"good","points":1})")
                        .status(),
       absl::StatusCode::kInvalidArgument, "\"reason\""},
      {"a community records", cmd(*e, "record", 0, kSec, t, record("C11", "A00000001", -5)).status(),
       absl::StatusCode::kPermissionDenied, "allowed roles: street_officer, district_officer"},
      {"a duplicate credit code", cmd(*e, "register_company", 0, kDistrict, t, kCompanyA).status(),
       absl::StatusCode::kAlreadyExists, "already registered as A00000001"},
      {"a malformed credit code",
       cmd(*e, "register_company", 0, kDistrict, t, R"({"unit":"D","name":"x","credit_code":"123"})").status(),
       absl::StatusCode::kInvalidArgument, "unified social credit code"},
      {"an unknown project unit",
       cmd(*e, "register_company", 0, kDistrict, t,
           R"({"unit":"D","name":"x","credit_code":"91320506MA1ABCDE09","projects":["ZZ"]})")
           .status(),
       absl::StatusCode::kNotFound, "project unit \"ZZ\""},
      {"a period of the wrong kind", cmd(*e, "open_period", 0, kDistrict, t, R"({"unit":"D","period":"2026-08"})").status(),
       absl::StatusCode::kInvalidArgument, "is not a quarter like 2026Q3"},
      {"a period twice", cmd(*e, "open_period", 0, kDistrict, t, R"({"unit":"D","period":"2026Q3"})").status(),
       absl::StatusCode::kAlreadyExists, "already A00000002"},
      {"a score query for a month", e->query(kLoopName, "scores", R"({"period":"2026-08"})").status(),
       absl::StatusCode::kInvalidArgument, "not a quarter"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name << ": " << c.status;
    EXPECT_NE(std::string(c.status.message()).find(c.says), std::string::npos) << c.name << ": " << c.status;
  }
  EXPECT_EQ(state_of(*e, kLoopName), before);
}

TEST(Assessment, APolicySetWithoutTheRuleRefusesClearly) {
  auto e = make_engine(nullptr, "national");
  ASSERT_TRUE(cmd(*e, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
  const Observed before = state_of(*e, kLoopName);
  auto r = cmd(*e, "record", 0, kDistrict, kQ3 + 1, record("D", "A00000001", -5));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("the policy set national has no rule assessment.credit"), std::string::npos)
      << r.status();
  EXPECT_EQ(state_of(*e, kLoopName), before);
}

TEST(Assessment, RoleAndScopeCellsFollowTheTable) {
  const Timestamp t = kQ4 + 86400 * 60;  // after 2026Q3 ended
  auto prepare = [&](const LoopRow& row) {
    Prepared p;
    p.engine = make_engine();
    EXPECT_TRUE(cmd(*p.engine, "register_company", 0, kDistrict, kQ3, kCompanyA).ok());
    const std::string_view from = row.from;
    if (from.empty()) {
      p.item_unit = row.event == "register_company" ? "D" : "S1";
      return p;
    }
    if (from == "listed") {
      p.item = 1;
      p.item_unit = "D";
    } else if (from == "recorded") {
      auto r = cmd(*p.engine, "record", 0, kStreet, kQ3, record("S1", "A00000001", -5, "G111"));
      EXPECT_TRUE(r.ok());
      p.item = r.ok() ? r->item : 0;
      p.item_unit = "S1";
    } else if (from == "open") {
      auto r = cmd(*p.engine, "open_period", 0, kStreet, kQ3, R"({"unit":"S1","period":"2026Q3"})");
      EXPECT_TRUE(r.ok());
      p.item = r.ok() ? r->item : 0;
      p.item_unit = "S1";
    }
    return p;
  };
  auto payload = [](const LoopRow& row) -> std::string {
    const std::string_view ev = row.event;
    if (ev == "register_company") {
      return R"({"unit":"D","name":"丙物业","credit_code":"91320506MA1ABCDE03","projects":["G111"]})";
    }
    if (ev == "set_projects") return R"({"projects":["G111","G211"]})";
    if (ev == "record") return record("S1", "A00000001", -5, "G111");
    if (ev == "revoke") return R"({"reason":"复核"})";
    if (ev == "open_period") return R"({"unit":"S1","period":"2026Q4"})";
    if (ev == "amend") return R"({"points":-3,"reason":"核减"})";
    return "";
  };
  EXPECT_EQ(check_cells(assessment_table(), prepare, payload, t), 7 * 10 * 6);
}

}  // namespace
}  // namespace jiceng
