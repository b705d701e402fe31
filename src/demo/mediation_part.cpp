// The mediation loop's part of the demo year (调解, 乡音调解): a migrant-heavy community sets
// up a 乡音调解委员会 after the seed's 木桥社区 (15 mediators from 6 dialect regions: 5 elected
// members, 10 hired, 人民调解法 第八条、第十三条); about one dispute petition a week from that
// community is accepted, handled and referred to it (the petition resolved with an answer
// naming the case, evaluated when the case ends); each case gets its mediators from the
// dialect suggestion unless a party chose one (the demo first tries the suggestion against
// a party's choice, which the loop refuses on purpose), and ends refused, without agreement,
// or in a written (signed and sealed) or oral agreement that is performed, disputed, or
// brought to court for confirmation within the 30 days. report.json gains `mediation`.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "demo/loop_parts.hpp"
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/mediation.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {
namespace json = boost::json;

struct Region {
  const char* region;
  const char* dialect;
};
// The six dialect regions of the committee (the seed names 河南, 安徽, 山东 "and others").
constexpr Region kRegions[] = {{"河南", "河南话"}, {"安徽", "安徽话"}, {"山东", "山东话"},
                               {"四川", "四川话"}, {"湖北", "湖北话"}, {"江西", "江西话"}};
constexpr Region kLocal = {"江苏", "苏州话"};  // a local party: no mediator of the committee shares it

struct MediatorSpec {
  const char* id;
  const char* name;
  const char* gender;
  const char* birth;
  const char* role;  // "" for a hired mediator
  int region;
};
constexpr MediatorSpec kMediators[] = {
    {"XY01", "王秀兰", "female", "1968-04-12", "chair", 0},  {"XY02", "陈玉梅", "female", "1975-09-03", "deputy", 1},
    {"XY03", "张建国", "male", "1966-01-20", "member", 2},   {"XY04", "李德明", "male", "1979-06-30", "member", 3},
    {"XY05", "周桂芳", "female", "1972-11-08", "member", 4}, {"XY06", "徐志强", "male", "1981-02-14", "", 5},
    {"XY07", "刘红霞", "female", "1977-07-07", "", 0},       {"XY08", "吴海涛", "male", "1985-03-21", "", 1},
    {"XY09", "孙立军", "male", "1970-12-02", "", 2},         {"XY10", "赵春花", "female", "1974-05-16", "", 0},
    {"XY11", "钱卫东", "male", "1983-08-09", "", 1},         {"XY12", "朱晓燕", "female", "1988-10-25", "", 3},
    {"XY13", "沈国平", "male", "1969-09-19", "", 4},         {"XY14", "顾丽萍", "female", "1980-04-04", "", 5},
    {"XY15", "陆永生", "male", "1973-01-28", "", 2},
};
constexpr const char* kSurnames[] = {"王", "陈", "张", "李", "周", "徐", "沈", "陆", "顾", "吴", "朱", "钱", "马", "杨"};
constexpr const char* kDisputes[] = {"邻里因空调外机噪音发生纠纷", "楼上漏水与邻居协商不成", "宠物扰民引发邻里矛盾",
                                     "租户与房东因押金退还发生争执", "电动车停放占道引发口角"};

json::object person(const MediatorSpec& m) {
  json::object p{{"id", m.id},
                 {"name", m.name},
                 {"gender", m.gender},
                 {"birth", m.birth},
                 {"regions", json::array{json::value(kRegions[m.region].region)}},
                 {"dialects", json::array{json::value(kRegions[m.region].dialect)}}};
  if (*m.role != '\0') p["role"] = m.role;
  return p;
}

class Year {
 public:
  Year(Engine& e, const District& d, const DemoOptions& o, SimStats& sim)
      : e_(e), d_(d), o_(o), sim_(sim), rng_(o.seed ^ 0x6D656469617465ull) {}

  absl::StatusOr<LoopPartReport> run() {
    JICENG_ASSIGN_OR_RETURN(start_, parse_date(o_.start));
    // The community: the district's first (a migrant-heavy community in the seed's image).
    community_ = d_.communities.front();
    const UnitRow& cu = d_.units[static_cast<std::size_t>(community_)];
    staff_ = Actor{internal::cat("mediation_staff@", cu.id), Role::kCommunityStaff, cu.id};
    for (std::size_t i = 0; i < d_.households.size(); ++i) {
      if (d_.households[i].community == 0) households_.push_back(i);
    }
    if (households_.empty()) return absl::FailedPreconditionError("the first community has no household");

    // The committee of the residents' committee: "龙桥社区党委" → "龙桥社区乡音调解委员会".
    std::string base = cu.name;
    if (base.size() > 6 && base.ends_with("党委")) base.resize(base.size() - 6);
    json::object establish{{"unit", cu.id},
                           {"name", internal::cat(base, "乡音调解委员会")},
                           {"level", "residents"},
                           {"term_start", format_date(start_)}};
    json::array members, hired;
    for (const auto& m : kMediators) (*m.role != '\0' ? members : hired).push_back(person(m));
    establish["members"] = std::move(members);
    establish["hired"] = std::move(hired);
    JICENG_ASSIGN_OR_RETURN(committee_, loop("establish", 0, establish, at(0, 9 * 60)));

    const int cases = std::max(1, o_.days * 48 / 365);
    for (int k = 0; k < cases; ++k) {
      const int day = static_cast<int>(static_cast<long>(k) * o_.days / cases);
      // A hired mediator on leave for part of the year (availability, 第十九条 suggestion).
      if (o_.days >= 200 && k == cases / 3) {
        JICENG_RETURN_IF_ERROR(loop("set_availability", committee_, json::object{{"mediator", "XY10"}, {"available", false}},
                                    at(day, 8 * 60)).status());
        on_leave_ = true;
      }
      if (on_leave_ && k == 2 * cases / 3) {
        JICENG_RETURN_IF_ERROR(loop("set_availability", committee_, json::object{{"mediator", "XY10"}, {"available", true}},
                                    at(day, 8 * 60)).status());
        on_leave_ = false;
      }
      JICENG_RETURN_IF_ERROR(one_case(k, day));
    }
    return report(cu);
  }

 private:
  // China time `minute` of day `day` of the year, never past its last day.
  Timestamp at(int day, int minute) const {
    day = std::clamp(day, 0, std::max(0, o_.days - 1));
    return china_time_to_utc(start_ + boost::gregorian::date_duration(day), minute);
  }
  // The next step of a case: on day `day` (clamped) and after the case's previous step.
  Timestamp step(int day) {
    t_ = std::max(t_ + 600, at(day, 9 * 60 + rng_.range(0, 480)));
    return t_;
  }

  absl::StatusOr<std::uint64_t> loop(std::string_view event, std::uint64_t item, const json::object& payload,
                                     Timestamp now, bool may_refuse = false) {
    ++commands_;
    auto r = loop_command(e_, kMediationLoop, event, item, staff_, now, payload);
    if (!r.ok()) {
      if (may_refuse) {
        ++refused_on_purpose_;
        return std::uint64_t{0};
      }
      return absl::Status(r.status().code(), internal::cat("mediation ", event, ": ", r.status().message()));
    }
    return r->item;
  }

  absl::Status petition(absl::Status st, std::string_view what) {
    ++sim_.commands[std::string(what)];
    if (!st.ok()) return absl::Status(st.code(), internal::cat("mediation part, petition ", what, ": ", st.message()));
    return absl::OkStatus();
  }

  json::object party(int k, char side, const Region& r) {
    return json::object{{"id", internal::cat("D", k, std::string(1, side))},
                        {"name", internal::cat(kSurnames[rng_.range(0, 13)], side == 'a' ? "先生" : "女士")},
                        {"region", r.region},
                        {"dialect", r.dialect}};
  }

  absl::Status one_case(int k, int day) {
    t_ = 0;
    // A dispute petition from a household of the community, handled until in progress.
    const std::size_t h = households_[static_cast<std::size_t>(rng_.range(0, static_cast<int>(households_.size()) - 1))];
    const Actor resident{internal::cat("R", d_.households[h].id), Role::kResident, ""};
    EventPayload sub;
    sub.petitioner = resident.id;
    sub.location = d_.households[h].id;
    sub.category = "disputes";
    sub.text = kDisputes[rng_.range(0, 4)];
    auto pid = e_.submit(resident, sub, step(day));
    JICENG_RETURN_IF_ERROR(petition(pid.status(), "submit"));
    ++sim_.submitted;
    JICENG_RETURN_IF_ERROR(petition(e_.accept(staff_, *pid, step(day)), "accept"));
    JICENG_RETURN_IF_ERROR(petition(e_.dispatch(staff_, *pid, "", false, step(day)), "dispatch"));
    JICENG_RETURN_IF_ERROR(petition(e_.sign(staff_, *pid, step(day)), "sign"));

    // The parties: mostly from one home region, some from two, a few local.
    const Region& ra = kRegions[rng_.range(0, 5)];
    const double mix = rng_.uniform();
    const Region& rb = mix < 0.7 ? ra : mix < 0.9 ? kRegions[rng_.range(0, 5)] : kLocal;
    json::array parties{party(k, 'a', ra), party(k, 'b', rb)};
    const std::string pa(parties[0].as_object().at("id").as_string()), pb(parties[1].as_object().at("id").as_string());
    json::object refer{{"unit", staff_.unit},
                       {"committee", absl::StrFormat("D%08d", committee_)},
                       {"summary", sub.text},
                       {"parties", parties}};
    auto kase = refer_petition_to_mediation(e_, staff_, *pid, json::serialize(refer), step(day));
    ++commands_;
    JICENG_RETURN_IF_ERROR(petition(kase.status(), "resolve"));
    const std::uint64_t c = kase->item;

    Satisfaction sat = Satisfaction::kSatisfied;
    bool solved = true;
    if (rng_.chance(0.08)) {  // a party refuses mediation (第十七条)
      JICENG_RETURN_IF_ERROR(loop("refuse", c, json::object{{"party", pb}, {"reason", "不愿调解，要求直接起诉"}}, step(day + 1)).status());
      JICENG_RETURN_IF_ERROR(evaluate(resident, *pid, false, Satisfaction::kBasicallySatisfied, step(day + 2)));
      return absl::OkStatus();
    }
    // The suggestion, and a party's own choice now and then (第十九条、第二十三条).
    JICENG_ASSIGN_OR_RETURN(std::string sug, e_.query(kMediationLoop, "suggest", internal::cat("{\"item\":", c, "}")));
    const json::value sj = json::parse(sug);
    std::string top, first_available;
    for (const auto& cand : sj.as_object().at("candidates").as_array()) {
      const auto& o = cand.as_object();
      if (top.empty()) top = std::string(o.at("mediator").as_string());
      if (first_available.empty() && o.at("available").as_bool()) first_available = std::string(o.at("mediator").as_string());
    }
    std::string mediator = first_available;
    if (rng_.chance(0.15)) {
      const MediatorSpec& pick = kMediators[rng_.range(0, 14)];
      if (!(on_leave_ && std::string_view(pick.id) == "XY10")) {
        JICENG_RETURN_IF_ERROR(loop("choose", c, json::object{{"party", pa}, {"mediator", pick.id}}, step(day + 1)).status());
        if (pick.id != first_available) {
          // The committee cannot assign against a party's choice: refused on purpose.
          JICENG_RETURN_IF_ERROR(loop("assign", c, json::object{{"mediators", json::array{json::value(first_available)}}},
                                      step(day + 1), true).status());
        }
        mediator = pick.id;
      }
    } else if (rng_.chance(0.10)) {
      // The committee designates another available mediator (the suggestion is advice).
      const MediatorSpec& pick = kMediators[rng_.range(0, 14)];
      if (!(on_leave_ && std::string_view(pick.id) == "XY10")) mediator = pick.id;
    }
    JICENG_RETURN_IF_ERROR(loop("assign", c, json::object{{"mediators", json::array{json::value(mediator)}}}, step(day + 1)).status());
    JICENG_RETURN_IF_ERROR(loop("begin", c, {}, step(day + 1)).status());
    if (rng_.chance(0.06)) {  // escalation risk (第二十五条)
      const bool offence = rng_.chance(0.5);
      json::object risk{{"risk", "双方情绪激动，一方扬言报复"}, {"possible_offence", offence}};
      if (offence) risk["reported_to"] = "辖区派出所";
      JICENG_RETURN_IF_ERROR(loop("report_risk", c, risk, step(day + 1)).status());
    }
    if (rng_.chance(0.12)) {  // no agreement (第二十六条)
      JICENG_RETURN_IF_ERROR(loop("end", c,
                                  json::object{{"reason", "failed"},
                                               {"routes_told", json::array{json::value("arbitration"), json::value("litigation")}}},
                                  step(day + 3)).status());
      sat = Satisfaction::kBasicallySatisfied;
      solved = false;
      return evaluate(resident, *pid, solved, sat, step(day + 4));
    }
    int d = day + 2 + rng_.range(0, 3);
    if (rng_.chance(0.65)) {  // written: signed by both parties and the mediator, then sealed (第二十九条)
      JICENG_RETURN_IF_ERROR(loop("draft_agreement", c,
                                  json::object{{"facts", sub.text},
                                               {"content", "双方互谅互让，责任方整改并赔礼道歉"},
                                               {"performance", "十日内整改完毕"}},
                                  step(d)).status());
      for (const std::string& s : {pa, pb, mediator}) {
        JICENG_RETURN_IF_ERROR(loop("sign", c, json::object{{"signer", s}}, step(d)).status());
      }
      JICENG_RETURN_IF_ERROR(loop("seal", c, {}, step(d)).status());
    } else {  // oral, effective the day it is reached (第三十条)
      JICENG_RETURN_IF_ERROR(loop("agree_oral", c, json::object{{"content", "当场达成谅解，调解员记录在案"}}, step(d)).status());
    }
    const double fate = rng_.uniform();
    if (fate < 0.12) {  // judicial confirmation, jointly, within the 30 days (第三十三条)
      d += rng_.range(3, 20);
      JICENG_RETURN_IF_ERROR(loop("apply_confirmation", c,
                                  json::object{{"applicants", json::array{json::value(pa), json::value(pb)}},
                                               {"court", "区人民法院"}},
                                  step(d)).status());
      d += rng_.range(1, 5);
      JICENG_RETURN_IF_ERROR(loop("confirm", c, json::object{{"ruling", absl::StrFormat("(%d)苏民特%d号", start_.year(), k + 1)}},
                                  step(d)).status());
    } else if (fate < 0.18) {  // a dispute over performance (第三十二条)
      JICENG_RETURN_IF_ERROR(loop("dispute", c, json::object{{"party", pb}, {"matter", "对方未按协议履行"}}, step(d + 10)).status());
      return evaluate(resident, *pid, false, Satisfaction::kUnsatisfied, step(d + 11));
    }
    JICENG_RETURN_IF_ERROR(loop("perform", c, json::object{{"note", "回访确认已履行"}}, step(d + rng_.range(5, 15))).status());
    return evaluate(resident, *pid, solved, sat, step(d + 16));
  }

  absl::Status evaluate(const Actor& resident, PetitionId id, bool solved, Satisfaction s, Timestamp now) {
    return petition(e_.evaluate(resident, id, Evaluation{true, solved, s}, now), "evaluate");
  }

  absl::StatusOr<LoopPartReport> report(const UnitRow& cu) {
    JICENG_ASSIGN_OR_RETURN(std::string sum_text, e_.query(kMediationLoop, "summary", ""));
    JICENG_ASSIGN_OR_RETURN(std::string com_text,
                            e_.query(kMediationLoop, "get", internal::cat("{\"item\":", committee_, "}")));
    const json::object sum = json::parse(sum_text).as_object();
    const json::object com = json::parse(com_text).as_object();
    const json::object& cd = com.at("data").as_object();
    json::object regions;
    for (const auto& m : kMediators) {
      auto& n = regions[kRegions[m.region].region];
      n = (n.is_int64() ? n.as_int64() : 0) + 1;
    }
    const std::int64_t assigned = sum.at("assigned").as_int64();
    const std::int64_t both = sum.at("suggestion_matched_and_accepted").as_int64();
    const std::string share =
        assigned == 0 ? std::string("0.0") : absl::StrFormat("%d.%d", both * 100 / assigned, (both * 1000 / assigned) % 10);
    json::object section{
        {"committee",
         json::object{{"id", com.at("id")},
                      {"name", cd.at("name")},
                      {"unit", cu.id},
                      {"unit_name", cu.name},
                      {"level", cd.at("level")},
                      {"term_start", cd.at("term_start")},
                      {"term_end", cd.at("term_end")},
                      {"members", cd.at("members").as_array().size()},
                      {"hired", cd.at("hired").as_array().size()},
                      {"mediators", sum.at("mediators")},
                      {"dialect_regions", std::move(regions)}}},
        {"cases", sum.at("cases")},
        {"referred", sum.at("referred")},
        {"by_outcome", sum.at("by_state")},
        {"state_zh", state_names(e_, "mediation")},
        {"court_confirmed", sum.at("court_confirmed")},
        {"police_reported", sum.at("police_reported")},
        {"assignments_refused_against_a_choice", refused_on_purpose_},
        {"suggestion",
         json::object{{"assigned", assigned},
                      {"matched", sum.at("suggestion_matched")},
                      {"accepted", sum.at("suggestion_accepted")},
                      {"matched_and_accepted", both},
                      {"matched_and_accepted_percent", share}}}};
    LoopPartReport r;
    r.commands = commands_;
    r.refused_on_purpose = refused_on_purpose_;
    const auto& by = sum.at("by_state").as_object();
    r.text = internal::cat("人民调解：", cd.at("name").as_string().c_str(), "，调解员 ", sum.at("mediators").as_int64(),
                          " 名，来自 ", section.at("committee").as_object().at("dialect_regions").as_object().size(),
                          " 个方言地区；转调解案件 ", sum.at("cases").as_int64(), " 件，履行完毕 ",
                          by.at("performed").as_int64(), " 件，司法确认 ", sum.at("court_confirmed").as_int64(),
                          " 件，当事人拒绝调解 ", by.at("refused").as_int64(), " 件，调解终止 ", by.at("ended").as_int64(),
                          " 件；指定调解员 ", assigned, " 件，推荐人选乡音相同且被采纳的占 ", share, "%\n");
    r.sections.emplace_back("mediation", std::move(section));
    return r;
  }

  Engine& e_;
  const District& d_;
  const DemoOptions& o_;
  SimStats& sim_;
  Rng rng_;
  Date start_;
  int community_ = 0;
  Actor staff_;
  std::vector<std::size_t> households_;
  std::uint64_t committee_ = 0;
  Timestamp t_ = 0;
  bool on_leave_ = false;
  std::size_t commands_ = 0, refused_on_purpose_ = 0;
};

absl::StatusOr<LoopPartReport> run(Engine& engine, const District& district, const DemoOptions& options,
                                   SimStats& sim) {
  Year y(engine, district, options, sim);
  return y.run();
}

std::string esc(std::string_view s) { return report::html_escape(s); }
std::string esc(const json::string& s) { return report::html_escape(std::string_view(s.data(), s.size())); }
std::int64_t num(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

// Outcome rows of the Chinese section, in the loop's terms.
std::string html(const json::object& root) {
  const json::value* mv = root.if_contains("mediation");
  if (mv == nullptr || !mv->is_object()) return {};
  const json::object& m = mv->as_object();
  const json::object& c = m.at("committee").as_object();
  const json::object& by = m.at("by_outcome").as_object();
  const json::object& s = m.at("suggestion").as_object();
  std::string h = "<h2>人民调解 · 乡音调解</h2>";
  internal::append(&h, "<p>", esc(c.at("name").as_string()), "（", esc(c.at("level").as_string()) == "residents" ? "居民委员会设立" : "设立",
                  "，任期 ", esc(c.at("term_start").as_string()), " 至 ", esc(c.at("term_end").as_string()), "）：委员 ",
                  num(c, "members"), " 人、聘任调解员 ", num(c, "hired"), " 人，共 ", num(c, "mediators"),
                  " 名调解员，来自 ", c.at("dialect_regions").as_object().size(), " 个方言地区（");
  bool first = true;
  for (const auto& kv : c.at("dialect_regions").as_object()) {
    internal::append(&h, first ? "" : "、", esc(std::string_view(kv.key().data(), kv.key().size())), " ",
                    kv.value().as_int64());
    first = false;
  }
  internal::append(&h, "）。全年受理诉求转调解案件 ", num(m, "cases"), " 件，司法确认 ", num(m, "court_confirmed"),
                  " 件，向公安机关报告 ", num(m, "police_reported"), " 件。</p>");
  h += "<table><tr><th>结果</th><th>件数</th></tr>";
  // Every state the cases ended or stand in, by the loop table's Chinese names and order
  // (the committee's own item, "seated", is not a case).
  for (const auto& kv : m.at("state_zh").as_object()) {
    const std::string_view key(kv.key().data(), kv.key().size());
    const std::int64_t n = num(by, key);
    if (key == "seated" || (n == 0 && key != "performed")) continue;
    internal::append(&h, "<tr><td>", esc(kv.value().as_string()), "</td><td>", n, "</td></tr>");
  }
  h += "</table>";
  internal::append(&h, "<p>按乡音（方言、籍贯）、在办案件数和可用性推荐调解员，仅供当事人参考（人民调解法 第十九条、第二十三条）："
                      "指定调解员 ",
                  num(s, "assigned"), " 件，推荐人选与当事人乡音相同且被采纳 ", num(s, "matched_and_accepted"), " 件（",
                  esc(s.at("matched_and_accepted_percent").as_string()), "%）；因当事人已选定调解员而拒绝委员会另行指定 ",
                  num(m, "assignments_refused_against_a_choice"), " 次。</p>");
  return h;
}

}  // namespace

LoopPart mediation_part() { return LoopPart{"mediation", &run, &html}; }

}  // namespace jiceng::demo
