// The KPI report renderers (src/report): the same bundle in every format the `jiceng
// report` command offers, and a refused format.
#include <algorithm>
#include <cctype>

#include <gtest/gtest.h>

#include "kpi/kpi_fixture.hpp"
#include "report/kpi_render.hpp"

namespace jiceng {
namespace {

using namespace kpi_test;

TEST(KpiOutput, BundleRendersInEveryFormat) {
  Scenario s;
  s.build();
  ASSERT_FALSE(HasFailure());
  KpiIndex index(*s.engine);
  ASSERT_TRUE(index.update().ok());
  KpiOptions everyone;
  everyone.min_received = 0;  // the scenario's few petitions: rank every unit here
  auto b = build_kpi_bundle(index, "S1", -1, KpiPeriod{}, everyone);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->ranking_level, 2);
  ASSERT_EQ(b->ranking.size(), 2u);  // C11 and C12, inside S1 only
  EXPECT_EQ(b->ranking[0].report.unit, "C11");
  ASSERT_EQ(b->trend.size(), 1u);
  for (const char* f : {"table", "json", "csv", "html"}) {
    auto out = render_kpi_bundle(*b, f, s.engine->policy());
    ASSERT_TRUE(out.ok()) << f;
    EXPECT_NE(out->find("C11"), std::string::npos) << f;
  }
  auto table = render_kpi_bundle(*b, "table", s.engine->policy());
  EXPECT_NE(table->find("一街道党工委"), std::string::npos);
  auto csv = render_kpi_bundle(*b, "csv", s.engine->policy());
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 1 + 1 + 2 + 1);
  auto html = render_kpi_bundle(*b, "html", s.engine->policy());
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(render_kpi_bundle(*b, "xml", s.engine->policy()).status().code(), absl::StatusCode::kInvalidArgument);
}

// The scenario's engine, indexed, and its policy.
class KpiRendered : public ::testing::Test {
 protected:
  void SetUp() override {
    s.build();
    ASSERT_FALSE(HasFailure());
    ASSERT_TRUE(index.update().ok());
    policy = s.engine->policy();
  }
  Scenario s;
  KpiIndex index{*s.engine};
  PetitionPolicy policy;
};

// Fair league tables: a unit enters a ranking only with the policy's minimum of petitions
// received in the period; the others are listed apart with their counts, and every
// output prints the minimum.
TEST_F(KpiRendered, LeagueTableRanksOnlyUnitsWithTheMinimum) {
  ASSERT_EQ(policy.kpi_min_received, 30u);  // national.json kpi.ranking
  EXPECT_EQ(ranking_minimum(*s.engine), 30u);
  // Under the policy's minimum, neither community of S1 (4 and 1 petitions) is ranked.
  auto b = build_kpi_bundle(index, "S1", -1, KpiPeriod{});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->ranking.empty());
  EXPECT_EQ(b->ranking_min_received, 30u);
  ASSERT_EQ(b->below_minimum.size(), 2u);
  EXPECT_EQ(b->below_minimum[0].unit, "C11");  // most petitions first
  EXPECT_EQ(b->below_minimum[0].counts.received, 4u);
  EXPECT_EQ(b->below_minimum[1].unit, "C12");
  auto json = render_kpi_bundle(*b, "json", policy);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"ranking\":[]"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"ranking_min_received\":30"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"below_minimum\":[{"), std::string::npos) << *json;
  // A minimum of 2 ranks C11 (4 petitions) alone, as number 1; C12 (1) stays apart.
  KpiOptions two;
  two.min_received = 2;
  auto c = build_kpi_bundle(index, "S1", -1, KpiPeriod{}, two);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->ranking.size(), 1u);
  EXPECT_EQ(c->ranking[0].report.unit, "C11");
  EXPECT_EQ(c->ranking[0].rank, 1);
  ASSERT_EQ(c->below_minimum.size(), 1u);
  EXPECT_EQ(c->below_minimum[0].unit, "C12");
  for (const auto& e : c->ranking) EXPECT_GE(e.report.counts.received, 2u) << e.report.unit << " ranked below the minimum";
  auto table = render_kpi_bundle(*c, "table", policy);
  ASSERT_TRUE(table.ok());
  EXPECT_NE(table->find("排名门槛：统计期内登记诉求不少于 2 件"), std::string::npos) << *table;
  const std::size_t apart = table->find("未达门槛、不参加排名的单位 1 个");
  ASSERT_NE(apart, std::string::npos) << *table;
  EXPECT_NE(table->find("C12", apart), std::string::npos);
  EXPECT_EQ(table->find("C12"), table->find("C12", apart)) << "C12 appears in the ranking: " << *table;
  auto html = render_kpi_bundle(*c, "html", policy);
  ASSERT_TRUE(html.ok());
  const std::string page = html->substr(0, html->find("<script"));
  EXPECT_NE(page.find("id=\"ranking-minimum\""), std::string::npos);
  EXPECT_NE(page.find("不少于 2 件"), std::string::npos);
  EXPECT_NE(page.find("未达门槛、不参加排名（1 个）"), std::string::npos);
  auto csv = render_kpi_bundle(*c, "csv", policy);
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("\nranking,1,C11,"), std::string::npos) << *csv;
  EXPECT_NE(csv->find("\nbelow_minimum,<2,C12,"), std::string::npos) << *csv;
}

TEST(KpiOutput, LeagueTableSplitsAndRenumbers) {
  auto entry = [](const char* unit, std::uint64_t received, int rank) {
    KpiRankEntry e;
    e.rank = rank;
    e.report.unit = unit;
    e.report.counts.received = received;
    return e;
  };
  KpiLeagueTable t = league_table({entry("A", 50, 1), entry("B", 3, 2), entry("C", 30, 3), entry("D", 29, 4),
                                   entry("E", 29, 5)},
                                  30);
  EXPECT_EQ(t.min_received, 30u);
  ASSERT_EQ(t.ranked.size(), 2u);
  EXPECT_EQ(t.ranked[0].report.unit, "A");
  EXPECT_EQ(t.ranked[0].rank, 1);
  EXPECT_EQ(t.ranked[1].report.unit, "C");  // exactly the minimum is enough
  EXPECT_EQ(t.ranked[1].rank, 2);
  ASSERT_EQ(t.below_minimum.size(), 3u);
  EXPECT_EQ(t.below_minimum[0].unit, "D");  // 29, ties by id
  EXPECT_EQ(t.below_minimum[1].unit, "E");
  EXPECT_EQ(t.below_minimum[2].unit, "B");
  EXPECT_EQ(league_table({entry("A", 0, 1)}, 0).ranked.size(), 1u);  // 0: everyone
}

// Categories by the policy's Chinese names, channels in Chinese, numbers grouped.
TEST_F(KpiRendered, HtmlIsInChineseWithThePolicysCategoryNames) {
  EXPECT_EQ(policy.category_name("parking"), "停车管理");
  EXPECT_EQ(policy.category_name("no_such_category"), "no_such_category");
  auto b = build_kpi_bundle(index, "", -1, KpiPeriod{});
  ASSERT_TRUE(b.ok());
  for (const char* f : {"html", "table"}) {
    auto out = render_kpi_bundle(*b, f, policy);
    ASSERT_TRUE(out.ok());
    const std::string page = out->substr(0, out->find("<script"));
    for (const char* zh : {"停车管理", "物业服务", "噪声扰民", "线上平台", "微信公众号", "12345热线"}) {
      EXPECT_NE(page.find(zh), std::string::npos) << f << ": " << zh;
    }
    for (const char* code : {"parking", "property", "noise", "online_platform", "wechat_account", "hotline"}) {
      EXPECT_EQ(page.find(code), std::string::npos) << f << ": bare code " << code;
    }
  }
  // The table's first count column is 登记 (received), not 受理 (accepted).
  auto table = render_kpi_bundle(*b, "table", policy);
  ASSERT_NE(table->find("登记"), std::string::npos);
  EXPECT_LT(table->find("登记"), table->find("受理"));
  // The table is Chinese like the page: no English label (no Latin word of four letters
  // or more; unit ids like S1 and "P90" are not words).
  std::string word;
  for (char ch : *table + " ") {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += ch;
      continue;
    }
    EXPECT_LT(word.size(), 4u) << "English in the table: " << word;
    word.clear();
  }
}

}  // namespace
}  // namespace jiceng
