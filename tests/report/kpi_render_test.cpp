// The KPI report renderers (src/report): the same bundle in every format the `jiceng
// report` command offers, and a refused format.
#include <algorithm>

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
  auto b = build_kpi_bundle(index, "S1", -1, KpiPeriod{});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->ranking_level, 2);
  ASSERT_EQ(b->ranking.size(), 2u);  // C11 and C12, inside S1 only
  EXPECT_EQ(b->ranking[0].report.unit, "C11");
  ASSERT_EQ(b->trend.size(), 1u);
  for (const char* f : {"table", "json", "csv", "html"}) {
    auto out = render_kpi_bundle(*b, f);
    ASSERT_TRUE(out.ok()) << f;
    EXPECT_NE(out->find("C11"), std::string::npos) << f;
  }
  auto table = render_kpi_bundle(*b, "table");
  EXPECT_NE(table->find("一街道党工委"), std::string::npos);
  auto csv = render_kpi_bundle(*b, "csv");
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 1 + 1 + 2 + 1);
  auto html = render_kpi_bundle(*b, "html");
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(render_kpi_bundle(*b, "xml").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jiceng
