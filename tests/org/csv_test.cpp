// Org CSV import: levels derived from kinds and parents, statistical division codes as
// ids, quoting, and errors that name the line and column and produce nothing.
#include <string>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jiceng/org.hpp"
#include "jiceng/org_csv.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

std::string msg(const absl::Status& s) { return std::string(s.message().data(), s.message().size()); }

TEST(OrgCsv, LevelsComeFromKindsAndParentsAndTheResultLoads) {
  // Columns in another order, a BOM, CRLF, a quoted name with a comma and a quote, a unit
  // beside the tree under a unit beside the tree, a child before its parent.
  const std::string csv =
      "\xEF\xBB\xBF" "kind,id,parent,name\r\n"
      "district_committee,320506000000,,吴中区委\r\n"
      "grid_branch,320506001001G01,320506001001,\"第一网格, \"\"龙桥\"\"\"\r\n"
      "street_committee,320506001000,320506000000,长桥街道党工委\r\n"
      "community_committee,320506001001,320506001000,龙桥社区党委\r\n"
      "industry_committee,320506IC,320506000000,物业行业党委\r\n"
      "property_branch,320506ICP1,320506IC,物业公司党支部\r\n"
      "\r\n";
  auto r = org_json_from_csv(csv, "units.csv");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->units, 6u);
  OrgGraph g;
  ASSERT_TRUE(g.load_json(r->json, "imported").ok());
  EXPECT_EQ(g.unit_count(), 6u);
  EXPECT_EQ(g.level(*g.find("320506001001G01")), 3);
  EXPECT_EQ(g.level(*g.find("320506IC")), 1);
  EXPECT_EQ(g.level(*g.find("320506ICP1")), 2);
  EXPECT_EQ(g.name(*g.find("320506001001G01")), "第一网格, \"龙桥\"");
  EXPECT_EQ(g.parent(*g.find("320506000000")), kNoUnit);
  json::value doc = json::parse(r->json);
  EXPECT_EQ(doc.at("schema").as_string(), "urban_grid");
}

TEST(OrgCsv, ErrorsNameTheLineAndColumnAndProduceNothing) {
  const std::string head = "id,name,kind,parent,level\n320506000000,吴中区委,district_committee,,\n";
  struct Bad {
    std::string rows, want;
    absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  };
  const Bad bad[] = {
      {"320506001000,长桥,street_office,320506000000,\n", "u.csv: line 3, column 3 (kind): unknown unit kind 'street_office'"},
      {"320506001000,长桥,street_committee,320506000000,7\n", "u.csv: line 3, column 5 (level): '7' is not a level 0..5"},
      {"320506001000,长桥,street_committee,320506000000,2\n",
       "u.csv: line 3, column 5 (level): unit 320506001000: level 2 does not match its kind street_committee, which sits at level 1"},
      {",长桥,street_committee,320506000000,\n", "u.csv: line 3, column 1 (id): empty"},
      {"320506001000,长桥,street_committee,320506000000,,extra\n", "u.csv: line 3, column 6: 6 cells, the header has 5"},
      {"320506IC,行业党委,industry_committee,320506999000,\n",
       "u.csv: line 3, column 4 (parent): unit 320506IC: parent '320506999000' is not in the file", absl::StatusCode::kNotFound},
      {"320506001000,\"长桥\nline\",street_committee,320506000000,\n", "u.csv: line 3, column 2 (name): a control character"},
      {"320506001000,\"长桥, \"\"东\"\"\",street_committee,320506000000,\n320506001000,x,street_committee,320506000000,\n",
       "u.csv: line 4, column 1 (id): duplicate unit id '320506001000' (also line 3)"},
  };
  for (const auto& b : bad) {
    auto r = org_json_from_csv(head + b.rows, "u.csv");
    ASSERT_FALSE(r.ok()) << b.rows;
    EXPECT_EQ(r.status().code(), b.code) << b.rows;
    EXPECT_THAT(msg(r.status()), HasSubstr(b.want)) << b.rows;
  }
  EXPECT_THAT(msg(org_json_from_csv("id,name\n", "u.csv").status()), HasSubstr("line 1: no column 'kind'"));
  EXPECT_THAT(msg(org_json_from_csv("", "u.csv").status()), HasSubstr("empty: expected a header row"));
  EXPECT_THAT(msg(org_json_from_csv("id,name,kind,parent\n", "u.csv").status()), HasSubstr("no units below the header"));
}

}  // namespace
}  // namespace jiceng
