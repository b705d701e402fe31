// The commitments loop's part of the demo year (承诺, 述职评议): every community party
// organization publishes its term commitments at the start of the year (龙桥社区 its ten,
// as Wuzhong reports), posts progress each quarter, and ticks most off with evidence its street
// confirms; a few are sent back once, a few run overdue on the clock and are ticked off
// late or explained as not fulfilled, one in fifty is withdrawn by the street. Every
// residents' committee member is reviewed for the year before at the start of the year and
// for this year at its end (组织评、党员评、群众评); one member of one community is graded
// 不称职 twice in a row and the clock ends the office (居委会组织法 2026 第三十七条), another
// is 不称职 once and then 称职 and keeps it.
#include <set>

#include "demo/civic_timeline.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;
using civic_part::Span;

struct Promise {
  const char* category;
  const char* text;
  const char* measure;
};
// Commitments of the kinds the Wuzhong reports name (惠及民生实事, 党建引领社区治理 …).
constexpr Promise kPromises[] = {
    {"惠及民生实事", "老旧小区加装电梯", "新增电梯投入使用，居民乘梯出行"},
    {"惠及民生实事", "新增非机动车充电桩", "充电桩通电运行，楼道飞线充电清零"},
    {"惠及民生实事", "开设长者助餐点", "每日为辖区老人供应午餐"},
    {"党建引领社区治理", "建成先锋枢纽驿站并常态开放", "驿站挂牌运行，每周开放不少于5天"},
    {"党建引领社区治理", "推动物业服务企业签订三方协议", "辖区小区三方协议全覆盖"},
    {"党建引领社区治理", "组建楼道党小组", "每个楼栋党小组有党员中心户"},
    {"平安建设", "小区消防通道清障整治", "消防通道全年畅通，月度巡查有台账"},
    {"环境整治", "垃圾分类投放点改造", "投放点改造完成并定时定点投放"},
    {"为民服务", "为民服务专项经费项目公开", "项目立项、支出全部上墙公示"},
    {"为民服务", "“微实事”项目办结", "居民点单项目按期办结并回访"},
};
constexpr Promise kPersonal[] = {
    {"个人任期目标", "走访联系群众", "建立走访台账，每月走访不少于20户"},
    {"为民服务计划", "牵头解决群众急难愁盼问题", "牵头办结群众诉求并回访满意"},
};

enum class Plan { kDone, kSentBack, kLate, kNotFulfilled, kWithdrawn };

std::string grade_pick(Rng& rng) {
  const int r = rng.range(0, 99);
  return r < 25 ? "优秀" : r < 92 ? "称职" : "基本称职";
}

absl::StatusOr<LoopPartReport> run(Engine& engine, const District& d, const DemoOptions& o, SimStats& sim) {
  LoopPartReport rep;
  JICENG_ASSIGN_OR_RETURN(Span span, civic_part::span_of(engine, o));
  civic_part::Commander cmd(engine, "commitments", sim, rep);
  civic_part::Timeline tl;
  Rng rng(o.seed ^ 0xC0331u);
  const auto members = civic_part::members_by_unit(d);
  // The term holding the year: Wuzhong's community party organizations were elected in 2021
  // for five years (rule commitments.list: term_years).
  const int term_start = 2021 + 5 * ((span.year - 2021) / 5 - (span.year < 2021 ? 1 : 0));
  const std::int64_t term_last_day = *civic::parse_day(internal::cat(term_start + 4, "-12-31"));
    // Shared by the actions: item ids as they are made (0 when a draft was refused).
  auto ids = std::make_shared<std::vector<std::uint64_t>>();
  std::size_t longqiao_items = 0;
  std::string longqiao;
  const std::size_t n = d.communities.size();
  // A day, or less in a short demo run, so that each step stays inside the span.
  const Timestamp day = std::max<Timestamp>(60, std::min<Timestamp>(86400, (span.end - span.begin) / 400));
  const std::size_t ended_at = n > 7 ? 7 : 0, kept_at = n > 11 ? 11 : (n > 1 ? 1 : 0);

  for (std::size_t ci = 0; ci < n; ++ci) {
    const int cu = d.communities[ci];
    const UnitRow& c = d.units[static_cast<std::size_t>(cu)];
    const std::string street = civic_part::street_of(d, cu);
    const auto mit = members.find(c.id);
    // The community's committee: the first four members the district made there — the
    // secretary, the deputy, the red steward lead and one member who is not in the party
    // (the secretary serves on the residents' committee too, 交叉任职); the others with their
    // relation at the community are grid workers.
    std::vector<std::string> mem = mit == members.end() ? std::vector<std::string>{} : mit->second;
    if (mem.size() > 4) mem.resize(4);
    const Actor sec{mem.empty() ? "sec-" + c.id : mem[0], Role::kCommunitySecretary, c.id};
    const Actor staff{"staff-" + c.id, Role::kCommunityStaff, c.id};
    const Actor street_officer{"street-" + street, Role::kStreetOfficer, street};
    const bool is_longqiao = c.name.rfind("龙桥社区", 0) == 0;
    if (is_longqiao) longqiao = c.id;
    // 龙桥社区 made ten public commitments (as Wuzhong reports); the others four to eight, two of
    // them members' own.
    const int count = is_longqiao ? 10 : rng.range(4, 8);
    for (int k = 0; k < count; ++k) {
      const bool personal = k >= count - 2 && mem.size() > 2;
      const Promise& p = personal ? kPersonal[k % 2] : kPromises[(ci + static_cast<std::size_t>(k)) % std::size(kPromises)];
      const std::string owner = personal ? mem[static_cast<std::size_t>(1 + k % 2)] : "committee";
      const double f_due = 0.25 + 0.8 * rng.uniform();  // some fall due after the year
      const int r = rng.range(0, 99);
      const Plan plan = r < 82 ? Plan::kDone : r < 88 ? Plan::kSentBack : r < 93 ? Plan::kLate
                        : r < 98 ? Plan::kNotFulfilled : Plan::kWithdrawn;
      std::int64_t due_day = std::min(civic::day_of(span.at(f_due)), term_last_day);
      if (f_due > 1.0) due_day = std::min(civic::day_of(span.end) + static_cast<std::int64_t>((f_due - 1.0) * 365), term_last_day);
      const Timestamp due_at = civic::day_start(due_day + 1);
      const std::size_t slot = ids->size();
      ids->push_back(0);
      if (is_longqiao) ++longqiao_items;
      json::object draft{{"unit", c.id},          {"owner", owner},
                         {"category", p.category}, {"text", personal ? p.text : internal::cat(p.text, "（", c.name.substr(0, c.name.find("社区")), "）")},
                         {"measure", p.measure},   {"due", civic::format_day(due_day)},
                         {"term_start", term_start}};
      const Timestamp t0 = span.at(0.004 + 0.00002 * static_cast<double>(ci));
      tl.add(t0, [&cmd, ids, slot, draft, sec, t0] { (*ids)[slot] = cmd.run("draft", 0, sec, t0, draft); });
      auto on = [ids, slot](auto&& fn) {
        return [ids, slot, fn] {
          if ((*ids)[slot] != 0) fn((*ids)[slot]);
        };
      };
      const Timestamp t1 = t0 + 3 * day, t2 = t0 + 5 * day;
      tl.add(t1, on([&cmd, sec, t1](std::uint64_t id) { cmd.run("approve", id, sec, t1, {{"note", "党员大会逐项审定"}}); }));
      tl.add(t2, on([&cmd, staff, t2](std::uint64_t id) { cmd.run("publish", id, staff, t2, {}); }));
      if (plan == Plan::kWithdrawn) {
        const Timestamp tw = span.at(0.3);
        tl.add(tw, on([&cmd, street_officer, tw](std::uint64_t id) {
          cmd.run("withdraw", id, street_officer, tw, {{"reason", "并入区级民生实事项目统一实施"}});
        }));
        continue;
      }
      // Who ticks it off: the member for their own commitment, else the community's staff.
      const Actor doer = personal ? Actor{owner, Role::kCommunityStaff, c.id} : staff;
      const Timestamp due_t = std::min(due_at - 86400 + 10 * 3600, span.at(f_due));
      std::set<std::string> posted;
      const bool finishes_in_time = plan == Plan::kDone || plan == Plan::kSentBack;
      // Progress is posted each quarter until the evidence goes in (or the explanation).
      const Timestamp finish = finishes_in_time ? std::max(t2 + 86400, due_t - 5 * 86400) : due_at + 2 * 86400;
      for (double fp : {0.12, 0.37, 0.62, 0.87}) {
        const Timestamp tp = span.at(fp) + static_cast<Timestamp>(ci) * 60;
        if (tp <= t2 || tp >= finish - 3600) continue;
        const std::string label = civic::period_of("quarter", tp);
        if (!posted.insert(label).second) continue;
        const int pct = std::min(95, static_cast<int>(100.0 * fp / std::max(0.3, f_due)));
        tl.add(tp, on([&cmd, doer, tp, label, pct](std::uint64_t id) {
          cmd.run("progress", id, doer, tp,
                  {{"period", label}, {"text", internal::cat(label, " 按计划推进，完成约", pct, "%")}, {"percent", pct}});
        }));
      }
      if (finishes_in_time) {
        Timestamp te = finish;
        if (te > span.end) continue;  // falls due after the year: still in progress
        if (plan == Plan::kSentBack) {
          tl.add(te, on([&cmd, doer, te](std::uint64_t id) { cmd.run("submit_evidence", id, doer, te, {{"evidence", json::array{"工作小结"}}}); }));
          const Timestamp tr = te + 3600;
          tl.add(tr, on([&cmd, street_officer, tr](std::uint64_t id) {
            cmd.run("reject", id, street_officer, tr, {{"reason", "缺少验收材料和现场照片"}});
          }));
          te += 2 * 86400;
        }
        tl.add(te, on([&cmd, doer, te](std::uint64_t id) {
          cmd.run("submit_evidence", id, doer, te, {{"evidence", json::array{"验收报告", "现场照片", "居民签字确认"}}});
        }));
        const Timestamp tc = std::min(te + 2 * 86400, span.end);
        tl.add(tc, on([&cmd, street_officer, tc](std::uint64_t id) { cmd.run("confirm", id, street_officer, tc, {{"note", "核验无误，同意销号"}}); }));
      } else {
        // The clock marks it overdue at the end of its due day; then late evidence or an explanation.
        const Timestamp after = finish;
        if (after > span.end) continue;
        if (plan == Plan::kLate) {
          tl.add(after, on([&cmd, doer, after](std::uint64_t id) {
            cmd.run("submit_evidence", id, doer, after, {{"evidence", json::array{"验收报告（逾期完成）"}}});
          }));
          const Timestamp tc = std::min(after + 86400, span.end);
          tl.add(tc, on([&cmd, street_officer, tc](std::uint64_t id) { cmd.run("confirm", id, street_officer, tc, {}); }));
        } else {
          tl.add(after, on([&cmd, sec, after](std::uint64_t id) {
            cmd.run("explain", id, sec, after, {{"explanation", "涉及业主意见未能统一，经居民代表会议讨论转入下一年度实施"}});
          }));
        }
      }
    }

    // The yearly reviews of the residents' committee members (the community's members with
    // their relation here): last year's at the start of the year, this year's at its end.
    for (std::size_t mi = 0; mi < mem.size(); ++mi) {
      for (int which = 0; which < 2; ++which) {
        // One member of the third community was not reviewed last year: the review before
        // this year's is the one of two years ago, and the clock finds last year missed.
        const int year = span.year - 1 + which - (ci == 2 && mi == 0 && which == 0 ? 1 : 0);
        std::string grade = grade_pick(rng);
        if (ci == ended_at && mi + 1 == mem.size()) grade = "不称职";                 // twice: the office ends
        if (ci == kept_at && mi + 1 == mem.size()) grade = which == 0 ? "不称职" : "称职";  // once, then 称职
        const Timestamp base = span.at(which == 0 ? 0.01 : 0.96) + static_cast<Timestamp>(ci * 12 + mi * 2);
        const std::string member = mem[mi];
        auto rid = std::make_shared<std::uint64_t>(0);
        tl.add(base, [&cmd, rid, sec, c, member, year, base] {
          *rid = cmd.run("open_review", 0, sec, base,
                         {{"unit", c.id}, {"member", member}, {"year", year}, {"office", "residents_committee"}});
        });
        const std::string org_grade = grade == "不称职" || grade == "优秀" ? grade : grade_pick(rng);
        const std::string members_grade = grade;
        const std::string residents_grade = grade == "不称职" ? "基本称职" : grade;
        const int raters_m = rng.range(20, 60), raters_r = rng.range(15, 40);
        if (ci == 0 && mi == 0 && which == 0) {
          // Two refusals on purpose: a grade outside the set, a rating from another street.
          const Actor other{"street-other", Role::kStreetOfficer, civic_part::street_of(d, d.communities.back())};
          tl.add(base + day / 2, [&cmd, rid, street_officer, other, base, day] {
            if (!*rid) return;
            cmd.run("rate_org", *rid, street_officer, base + day / 2, {{"grade", "差"}}, true);
            cmd.run("rate_org", *rid, other, base + day / 2, {{"grade", "称职"}}, true);
          });
        }
        tl.add(base + day, [&cmd, rid, street_officer, org_grade, base, day] {
          if (*rid) cmd.run("rate_org", *rid, street_officer, base + day, {{"grade", org_grade}});
        });
        tl.add(base + 2 * day, [&cmd, rid, staff, members_grade, residents_grade, raters_m, raters_r, base, day] {
          if (!*rid) return;
          cmd.run("rate_members", *rid, staff, base + 2 * day, {{"grade", members_grade}, {"raters", raters_m}});
          cmd.run("rate_residents", *rid, staff, base + 2 * day, {{"grade", residents_grade}, {"raters", raters_r}});
        });
        tl.add(base + 3 * day, [&cmd, rid, street_officer, grade, base, day] {
          if (*rid) cmd.run("conclude", *rid, street_officer, base + 3 * day, {{"grade", grade}});
        });
      }
    }
  }
  JICENG_RETURN_IF_ERROR(tl.run(engine, span, true));

  // report.json: the board, the reviews and the ended offices, from the loop's queries.
  JICENG_ASSIGN_OR_RETURN(std::string board_text, engine.query("commitments", "board", ""));
  JICENG_ASSIGN_OR_RETURN(std::string reviews_text, engine.query("commitments", "reviews", ""));
  JICENG_ASSIGN_OR_RETURN(std::string offices_text, engine.query("commitments", "offices", ""));
  json::object board = json::parse(board_text).as_object();
  json::object reviews = json::parse(reviews_text).as_object();
  json::object offices = json::parse(offices_text).as_object();
  // Per street: the communities' figures added up.
  std::map<std::string, std::array<std::int64_t, 5>> by_street;
  std::map<std::string, std::string> unit_street, unit_name;
  for (const auto& u : d.units) unit_name[u.id] = u.name;
  for (int cu : d.communities) unit_street[d.units[static_cast<std::size_t>(cu)].id] = civic_part::street_of(d, cu);
  json::object longqiao_row;
  for (const auto& u : board.at("units").as_array()) {
    const auto& x = u.as_object();
    auto& a = by_street[unit_street[std::string(x.at("unit").as_string())]];
    int k = 0;
    for (const char* f : {"published", "done", "overdue", "not_fulfilled", "withdrawn"}) a[static_cast<std::size_t>(k++)] += x.at(f).as_int64();
    if (x.at("unit").as_string() == longqiao) longqiao_row = x;
  }
  json::array streets;
  for (const auto& [s, a] : by_street) {
    streets.push_back(json::object{{"street", s},           {"name", unit_name[s]},   {"published", a[0]},
                                   {"done", a[1]},          {"overdue", a[2]},        {"not_fulfilled", a[3]},
                                   {"withdrawn", a[4]},     {"done_percent", civic::percent(a[1], a[0] - a[4])}});
  }
  json::array explained;
  for (const auto& i : board.at("items").as_array()) {
    const auto& x = i.as_object();
    if ((x.contains("explanation") || x.contains("withdraw_reason")) && explained.size() < 12) explained.push_back(x);
  }
  json::array purposely;
  for (const auto& m : cmd.refusals()) purposely.push_back(json::value(m));
  json::object section{{"term", internal::cat(term_start, "–", term_start + 4)},
                       {"communities", static_cast<std::int64_t>(n)},
                       {"commitments", static_cast<std::int64_t>(ids->size())},
                       {"totals", board.at("totals")},
                       {"by_street", std::move(streets)},
                       {"longqiao", longqiao_row},
                       {"longqiao_commitments", static_cast<std::int64_t>(longqiao_items)},
                       {"explained", std::move(explained)},
                       {"reviews", static_cast<std::int64_t>(reviews.at("reviews").as_array().size())},
                       {"review_grades", reviews.at("grades")},
                       {"offices_ended", offices.at("ended")},
                       {"offices_ending", offices.at("ending")},
                       {"reviews_missed", reviews.at("missed")},
                       {"commands", static_cast<std::int64_t>(rep.commands)},
                       {"refused_on_purpose", std::move(purposely)},
                       {"source", "任期目标公开承诺: Wuzhong practice (龙桥社区 10 items); 两次不称职终止职务: 城市居民委员会组织法 (2026) 第三十七条, 村民委员会组织法 (2026) 第三十八条"}};
  const auto& t = board.at("totals").as_object();
  rep.text = internal::cat("任期目标公开承诺（", term_start, "–", term_start + 4, "）：", n, " 个社区公开承诺 ",
                           t.at("published").as_int64(), " 项，已销号 ", t.at("done").as_int64(), " 项（销号率 ",
                           json::value_to<std::string>(t.at("done_percent")), "%），逾期 ", t.at("overdue").as_int64(),
                           " 项，未兑现 ", t.at("not_fulfilled").as_int64(), " 项\n", "述职评议：",
                           reviews.at("reviews").as_array().size(), " 人次，连续两次被评议不称职而职务终止 ",
                           offices.at("ended").as_array().size(), " 人\n");
  rep.sections.emplace_back("commitments", std::move(section));
  return rep;
}

std::string esc(std::string_view s) { return report::html_escape(s); }
std::string str(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr) return "";
  return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
}

std::string html(const json::object& root) {
  const auto* s = root.if_contains("commitments");
  if (s == nullptr || !s->is_object()) return "";
  const auto& c = s->as_object();
  const auto& t = c.at("totals").as_object();
  std::string h = internal::cat("<h2>任期目标公开承诺（逐项销号）</h2>\n<p>本届（", str(c, "term"), "）", str(c, "communities"),
                                "个社区党组织公开承诺", str(t, "published"), "项：已销号", str(t, "done"), "项（销号率",
                                str(t, "done_percent"), "%），逾期", str(t, "overdue"), "项，未兑现", str(t, "not_fulfilled"),
                                "项（已公开说明），撤回", str(t, "withdrawn"),
                                "项。销号须经上级党组织核验证据；到期未销号的由系统自动标记逾期。</p>\n");
  if (const auto* lq = c.if_contains("longqiao"); lq && lq->is_object() && !lq->as_object().empty()) {
    const auto& l = lq->as_object();
    h += internal::cat("<p>龙桥社区公开承诺", str(c, "longqiao_commitments"), "项，已销号", str(l, "done"), "项。</p>\n");
  }
  h += "<table><tr><th>街道（镇）</th><th>公开</th><th>已销号</th><th>逾期</th><th>未兑现</th><th>撤回</th><th>销号率</th></tr>\n";
  for (const auto& r : c.at("by_street").as_array()) {
    const auto& x = r.as_object();
    h += internal::cat("<tr><td>", esc(str(x, "name")), "</td><td>", str(x, "published"), "</td><td>", str(x, "done"),
                       "</td><td>", str(x, "overdue"), "</td><td>", str(x, "not_fulfilled"), "</td><td>",
                       str(x, "withdrawn"), "</td><td>", str(x, "done_percent"), "%</td></tr>\n");
  }
  h += "</table>\n";
  if (!c.at("explained").as_array().empty()) {
    h += "<h3>未兑现说明与撤回理由（公开）</h3>\n<ul>\n";
    for (const auto& r : c.at("explained").as_array()) {
      const auto& x = r.as_object();
      h += internal::cat("<li>", esc(str(x, "unit_name")), " · ", esc(str(x, "text")), "：",
                         esc(x.contains("explanation") ? str(x, "explanation") : "撤回 — " + str(x, "withdraw_reason")),
                         "</li>\n");
    }
    h += "</ul>\n";
  }
  h += internal::cat("<h2>述职评议</h2>\n<p>居委会成员年度民主评议", str(c, "reviews"),
                     "人次（组织评、党员评、群众评）。评定结果：");
  for (const auto& [g, cnt] : c.at("review_grades").as_object()) h += internal::cat(esc(g), " ", json::serialize(cnt), "；");
  h += "</p>\n<p>依据城市居民委员会组织法（2026）第三十七条，连续两次被评议不称职的，其职务终止。</p>\n";
  if (const auto* missed = c.if_contains("reviews_missed"); missed && !missed->as_array().empty()) {
    h += "<p>居委会成员每年至少接受一次民主评议（第三十七条）。年度结束仍未评议的，系统记为问题：</p>\n<ul>\n";
    for (const auto& m : missed->as_array()) {
      const auto& x = m.as_object();
      h += internal::cat("<li>", esc(str(x, "unit_name")), " ", esc(str(x, "member_name")), "（", esc(str(x, "member")),
                         "）：", str(x, "year"), " 年度未评议（上次评议 ", esc(str(x, "last_review")), "）</li>\n");
    }
    h += "</ul>\n";
  }
  const auto& ended = c.at("offices_ended").as_array();
  if (ended.empty()) {
    h += "<p>本年度无职务终止。</p>\n";
  } else {
    h += "<table><tr><th>成员</th><th>社区</th><th>职务</th><th>评议年度</th><th>评议编号</th></tr>\n";
    for (const auto& r : ended) {
      const auto& x = r.as_object();
      h += internal::cat("<tr><td>", esc(str(x, "member_name")), "（", esc(str(x, "member")), "）</td><td>",
                         esc(str(x, "unit_name")), "</td><td>居委会成员 — 职务终止</td><td>", str(x, "year"), "</td><td>",
                         esc(str(x, "review")), "</td></tr>\n");
    }
    h += "</table>\n<p>组织架构数据由主管部门加载，闭环不改动其中的职务；职务终止记录在承诺闭环中，并在此与组织架构一并展示；组织架构图（org.svg）中，上述岗位以灰色虚线框标为“职务终止”，挂在所在社区之下。</p>\n";
  }
  return h;
}

}  // namespace

LoopPart commitments_part() { return LoopPart{"commitments", &run, &html}; }

}  // namespace jiceng::demo
