// The commitments (承诺, 述职评议) and assessment (考评, 红黑榜) parts of the demo year: every
// community publishes commitments and ticks most off, some run overdue or are not
// fulfilled; the yearly reviews end exactly one office (two consecutive 不称职); property
// companies get quarterly red and black lists with their petition figures; the refusals
// the parts make on purpose are the checks they show; report.html has the Chinese sections.
#include <algorithm>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "demo/demo.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

DemoOptions half_year() {
  DemoOptions o;
  o.seed = 5;
  o.days = 200;  // 2025-01-01 … 2025-07-19: two quarters end inside it
  o.petitions_per_day = 12;
  o.write_files = false;
  return o;
}

TEST(DemoCivicParts, CommitmentsReviewsAndTheRedAndBlackLists) {
  absl::StatusOr<DemoResult> r = run_demo(half_year());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r->report_json).as_object();

  const json::object& c = root.at("commitments").as_object();
  EXPECT_EQ(c.at("term").as_string(), "2021–2025");
  EXPECT_EQ(c.at("communities").as_int64(), 115);
  EXPECT_EQ(c.at("longqiao_commitments").as_int64(), 10);  // 龙桥社区's ten, as Wuzhong reports
  const json::object& t = c.at("totals").as_object();
  EXPECT_GE(t.at("published").as_int64(), 115 * 4);
  EXPECT_GT(t.at("done").as_int64(), t.at("published").as_int64() / 3);
  EXPECT_GT(t.at("not_fulfilled").as_int64() + t.at("overdue").as_int64(), 0);
  EXPECT_FALSE(c.at("explained").as_array().empty());
  // Four committee members per community, reviewed for last year and this year.
  EXPECT_EQ(c.at("reviews").as_int64(), 115 * 4 * 2);
  EXPECT_EQ(c.at("review_grades").as_object().at("不称职").as_int64(), 3);
  const json::array& ended = c.at("offices_ended").as_array();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].as_object().at("consecutive_unfit").as_int64(), 2);
  EXPECT_EQ(ended[0].as_object().at("office").as_string(), "residents_committee");
  // The ended office is drawn in org.svg as an ended post beside its community.
  EXPECT_NE(r->org_dot.find("职务终止"), std::string::npos);
  EXPECT_NE(r->org_dot.find(std::string(ended[0].as_object().at("member_name").as_string())), std::string::npos);
  EXPECT_NE(r->org_dot.find("style=\"dashed,filled\""), std::string::npos);
  // One member went a year without a review: the clock's finding.
  const json::array& missed = c.at("reviews_missed").as_array();
  ASSERT_EQ(missed.size(), 1u) << json::serialize(missed);
  EXPECT_EQ(missed[0].as_object().at("year").as_int64(), 2024);
  EXPECT_EQ(missed[0].as_object().at("code").as_string(), "review_missed");
  const json::array& meant = c.at("refused_on_purpose").as_array();
  ASSERT_EQ(meant.size(), 2u);
  EXPECT_NE(std::string(meant[0].as_string()).find("is not in the grade set"), std::string::npos);
  EXPECT_NE(std::string(meant[1].as_string()).find("scope strict_ancestor"), std::string::npos);

  const json::object& a = root.at("assessment").as_object();
  EXPECT_EQ(a.at("companies").as_int64(), 20);
  const json::array& periods = a.at("periods").as_array();
  ASSERT_EQ(periods.size(), 2u);  // 2025Q1 and 2025Q2 ended within the run
  bool negative = false;
  for (const auto& p : periods) {
    const json::object& res = p.as_object().at("results").as_object();
    EXPECT_EQ(res.at("companies").as_array().size(), 20u);
    for (const auto& row : res.at("companies").as_array()) {
      const json::object& x = row.as_object();
      negative = negative || x.at("score").as_int64() < 0;
      ASSERT_TRUE(x.contains("petitions")) << json::serialize(x);
      EXPECT_GT(x.at("petitions").as_object().at("received").as_int64(), 0) << json::serialize(x);
    }
    EXPECT_FALSE(res.at("black").as_array().empty()) << p.as_object().at("period");
  }
  EXPECT_TRUE(negative);  // the worst company's deductions go below zero
  // The standing black list: under the Suzhou rule (two clean periods to leave), everyone on
  // 2025Q1's black list is still on 2025Q2's, and nobody is released yet.
  const json::object& q1 = periods[0].as_object().at("results").as_object();
  const json::object& q2 = periods[1].as_object().at("results").as_object();
  for (const auto& c1 : q1.at("black").as_array()) {
    const auto& b2 = q2.at("black").as_array();
    EXPECT_NE(std::find(b2.begin(), b2.end(), c1), b2.end()) << c1;
  }
  EXPECT_TRUE(q2.at("released").as_array().empty());
  EXPECT_EQ(q2.at("black_list_release_periods").as_int64(), 2);
  EXPECT_GT(a.at("amended").as_int64(), 0);
  EXPECT_EQ(a.at("revoked").as_int64(), 1);
  ASSERT_EQ(a.at("refused_on_purpose").as_array().size(), 1u);
  EXPECT_NE(std::string(a.at("refused_on_purpose").as_array()[0].as_string()).find("not a registered property company"),
            std::string::npos);

  // Deliberation: clusters found among the year's petitions (one community, one of parking /
  // drains / street stalls, three or more within 30 days) raise matters, their petitions
  // still being handled referred to them (转办议事) without a refusal; the demo files no
  // complaints of its own.
  const json::object& referred = root.at("deliberation").as_object().at("referred_petitions").as_object();
  const json::array& clusters = referred.at("clusters").as_array();
  EXPECT_FALSE(clusters.empty());
  std::int64_t referred_n = 0, referring = 0;
  std::set<std::string> matters;
  for (const auto& cl : clusters) {
    const json::object& o = cl.as_object();
    std::set<std::string> in;
    for (const auto& p : o.at("petitions").as_array()) in.insert(std::string(p.as_string()));
    EXPECT_GE(in.size(), 3u) << json::serialize(o);
    for (const auto& p : o.at("referred").as_array()) EXPECT_TRUE(in.contains(std::string(p.as_string()))) << json::serialize(o);
    referred_n += static_cast<std::int64_t>(o.at("referred").as_array().size());
    referring += !o.at("referred").as_array().empty();
    EXPECT_TRUE(matters.insert(std::string(o.at("matter").as_string())).second) << json::serialize(o);
    const std::string cat(o.at("category").as_string());
    EXPECT_TRUE(cat == "parking" || cat == "drains" || cat == "street_stalls") << cat;
    const auto from = parse_date(std::string(o.at("from").as_string())), to = parse_date(std::string(o.at("to").as_string()));
    ASSERT_TRUE(from.ok() && to.ok()) << json::serialize(o);
    EXPECT_LE((*to - *from).days(), 30) << json::serialize(o);
    EXPECT_GE((*to - *from).days(), 0) << json::serialize(o);
  }
  EXPECT_EQ(referred.at("petitions").as_int64(), referred_n);
  EXPECT_EQ(referred.at("matters").as_int64(), referring);
  EXPECT_LE(referred.at("evaluation_held").as_int64(), referred_n);
  EXPECT_NE(r->report_html.find(absl::StrCat("由居民诉求转入议事：", referred_n, " 件诉求转入 ", referring,
                                             " 个议事事项")),
            std::string::npos);
  EXPECT_NE(r->report_html.find(absl::StrCat("年内诉求聚集 ", clusters.size(), " 处")), std::string::npos);
  EXPECT_NE(r->report_html.find("<th>诉求类别</th>"), std::string::npos);
  // The rolls say who votes: probationary party members and residents under 18 attend
  // without a vote (the residents' meetings of every fourth community give birth dates).
  const json::object& wv =
      root.at("deliberation").as_object().at("meetings").as_object().at("without_vote").as_object();
  EXPECT_GT(wv.at("probationary").as_int64(), 0);
  EXPECT_GT(wv.at("under_age").as_int64(), 0);
  EXPECT_NE(r->report_html.find("未满十八周岁居民 " + std::to_string(wv.at("under_age").as_int64()) + " 人次"),
            std::string::npos);

  // The Chinese sections of the page come from report.json.
  for (const char* s : {"任期目标公开承诺（逐项销号）", "述职评议", "职务终止", "物业服务企业红黑榜", "黑榜", "年度未评议",
                        "期末由系统按日历评定", "更正信用记录"}) {
    EXPECT_NE(r->report_html.find(s), std::string::npos) << s;
  }
}

// Clusters with petitions still being handled at the last tick: those petitions are referred
// to the cluster's matter (answered naming it, their evaluation held), the rest of the
// cluster listed only; the matter goes to a 议事会 and its result is posted.
TEST(DemoCivicParts, ClustersAmongTheYearsPetitionsAreReferredToMatters) {
  DemoOptions o;
  o.seed = 5;
  o.days = 60;
  o.petitions_per_day = 30;
  o.write_files = false;
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r->report_json).as_object();
  const json::object& referred = root.at("deliberation").as_object().at("referred_petitions").as_object();
  std::int64_t n = 0;
  for (const auto& cl : referred.at("clusters").as_array()) {
    n += static_cast<std::int64_t>(cl.as_object().at("referred").as_array().size());
  }
  EXPECT_GT(n, 0);
  EXPECT_EQ(referred.at("petitions").as_int64(), n);
  EXPECT_EQ(referred.at("evaluation_held").as_int64(), n);  // their matters are still open
  EXPECT_NE(r->report_html.find(absl::StrCat("由居民诉求转入议事：", n, " 件诉求转入 ")), std::string::npos);
}

TEST(DemoCivicParts, ASetWithoutCreditBandsSkipsTheAssessmentAndSaysWhy) {
  DemoOptions o = half_year();
  o.days = 20;
  o.policy = "national";
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u);
  const json::object root = json::parse(r->report_json).as_object();
  EXPECT_NE(std::string(root.at("assessment").as_object().at("skipped").as_string()).find("no rule assessment.credit"),
            std::string::npos);
  EXPECT_GT(root.at("commitments").as_object().at("totals").as_object().at("published").as_int64(), 0);
}

// The projects and service-fund part (项目 / 为民服务专项经费): every account balances to the
// fen, the fund pays at most what is left (an overspend is tried now and then, on purpose,
// and refused), the two cross-area projects that skip their reviews show the missed
// intervals as findings, and report.html has the Chinese section.
std::int64_t fen(const json::value& v) {
  const std::string s(v.as_string());
  const auto dot = s.find('.');
  return std::stoll(s.substr(0, dot)) * 100 + (dot == std::string::npos ? 0 : std::stoll(s.substr(dot + 1)));
}

TEST(DemoProjectsFund, AccountsBalanceOverspendsAreRareAndMissedReviewsShow) {
  absl::StatusOr<DemoResult> r = run_demo(half_year());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r->report_json).as_object();

  const json::array& fund = root.at("fund").as_array();
  ASSERT_FALSE(fund.empty());
  std::int64_t spends = 0, allocated = 0, spent = 0;
  for (const auto& a : fund) {
    const json::object& o = a.as_object();
    EXPECT_EQ(fen(o.at("allocation")) - fen(o.at("spent")), fen(o.at("balance"))) << json::serialize(o);
    EXPECT_GE(fen(o.at("balance")), 0) << json::serialize(o);
    EXPECT_GE(fen(o.at("allocation")), 200000 * 100) << json::serialize(o);  // the policy's minimum
    spends += o.at("spends").as_int64();
    allocated += fen(o.at("allocation"));
    spent += fen(o.at("spent"));
  }
  const json::object& use = root.at("fund_use").as_object();
  EXPECT_EQ(fen(use.at("allocated")), allocated);
  EXPECT_EQ(fen(use.at("spent")), spent);
  EXPECT_EQ(fen(use.at("balance")), allocated - spent);
  std::int64_t by_category = 0;
  for (const auto& c : use.at("by_category").as_array()) by_category += fen(c.as_object().at("amount"));
  EXPECT_EQ(by_category, spent);
  // Overspends are the exception the report shows, not the rule: refused, and few.
  const json::object& meant = use.at("refused_on_purpose").as_object();
  ASSERT_TRUE(meant.contains("more than the balance")) << json::serialize(meant);
  const std::int64_t over = meant.at("more than the balance").as_int64();
  EXPECT_GE(over, 1);
  EXPECT_LE(over * 10, spends) << over << " overspends against " << spends << " spends";

  // Every spend is posted on its own; a few notices come down early (findings) and go up again.
  const json::object& notices = use.at("disclosures").as_object();
  EXPECT_EQ(notices.at("disclosed").as_int64() + notices.at("posted").as_int64(), spends) << json::serialize(notices);
  EXPECT_GT(notices.at("disclosed").as_int64(), spends / 2);
  EXPECT_GE(notices.at("taken_down_early").as_int64(), 1);
  EXPECT_EQ(notices.at("not_posted").as_int64(), 0);
  EXPECT_EQ(notices.at("spend_not_disclosed").as_int64(), 0);

  const json::object& projects = root.at("projects").as_object();
  EXPECT_GT(projects.at("grids_with_practical_project").as_int64(), projects.at("grids").as_int64() / 2);
  int with_missed = 0;
  for (const auto& c : projects.at("cross_area").as_array()) {
    if (c.as_object().at("missed_reviews").as_int64() > 0) ++with_missed;
  }
  EXPECT_GE(with_missed, 2) << json::serialize(projects.at("cross_area"));
  ASSERT_TRUE(projects.at("findings").as_object().contains("review_missed"));
  EXPECT_GE(projects.at("findings").as_object().at("review_missed").as_int64(), with_missed);

  // 一村一策: 127 villages, each in one tier of the policy's list, the campaign's checks as
  // of the run's last day (a plan due within a year of the start, coverage within two).
  const json::object& vp = projects.at("village_plans").as_object();
  EXPECT_EQ(vp.at("villages").as_int64(), 127);
  EXPECT_EQ(vp.at("start").as_string(), "2025-01-01");
  EXPECT_EQ(vp.at("as_of").as_string(), "2025-07-19");
  EXPECT_EQ(vp.at("plan_by").as_string(), "2026-01-01");
  EXPECT_EQ(vp.at("cover_by").as_string(), "2027-01-01");
  EXPECT_FALSE(vp.at("tiers_verified").as_bool());
  std::int64_t tiered = 0;
  for (const auto& t : vp.at("tier_order").as_array()) {
    const std::int64_t n = vp.at("tiers").as_object().at(t.as_string()).as_int64();
    EXPECT_GT(n, 0) << t;
    tiered += n;
  }
  EXPECT_EQ(tiered, vp.at("planned").as_int64());  // a planned village is in exactly one tier
  EXPECT_EQ(vp.at("planned").as_int64(), 124);  // three villages have no plan yet
  EXPECT_GT(vp.at("covered").as_int64(), 0);
  EXPECT_EQ(vp.at("plan").as_object().at("met").as_int64(), vp.at("planned").as_int64());
  EXPECT_EQ(vp.at("plan").as_object().at("pending").as_int64(), 127 - vp.at("planned").as_int64());
  EXPECT_EQ(vp.at("failing").as_int64(), 0);  // nothing is late within the first half year
  EXPECT_GT(vp.at("items").as_int64(), vp.at("items_done").as_int64());
  // Every third practical project names a petition of its grid it answers (checked in scope).
  EXPECT_GT(projects.at("needs_petitions").as_int64(), projects.at("grids").as_int64() / 6);
  // Village items above project.decision's amount are approved naming a concluded 四议两公开
  // matter of their community; approving one without it is refused.
  const json::object& four_two = projects.at("four_two").as_object();
  EXPECT_EQ(four_two.at("threshold").as_string(), "50000.00");
  EXPECT_FALSE(four_two.at("threshold_verified").as_bool());
  EXPECT_GT(four_two.at("projects").as_int64(), 0);
  EXPECT_GT(four_two.at("matters").as_int64(), 0);
  EXPECT_GE(four_two.at("refused_without_matter").as_int64(), 1);
  EXPECT_EQ(projects.at("kinds").as_object().at("village_plan").as_int64(),
            vp.at("items").as_int64());  // the larger items are the villages' too

  for (const char* s : {"项目与为民服务专项经费", "经费按类别使用", "跨域项目", "城中村一村一策", "待核实",
                        "每笔支出单独公示不少于15天", "提前撤下公示", "四议两公开数额", "所回应的具体诉求"}) {
    EXPECT_NE(r->report_html.find(s), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace jiceng
