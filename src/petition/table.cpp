// Names of the state machine's parts, and the artefacts generated from the transition
// table (the DOT diagram and the permission matrix).
#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/strings.hpp"
#include "absl/strings/str_join.h"
#include "jiceng/petition.hpp"

namespace jiceng {
namespace {

constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "received", "accepted", "rejected", "merged", "dispatched", "in_progress", "resolved", "closed", "withdrawn"};
constexpr std::array<std::string_view, kStateCount> kStateZh = {
    "已登记", "已受理", "不予受理", "合并", "已派单", "办理中", "已办结", "已归档", "已撤回"};
constexpr std::array<std::string_view, kEventTypeCount> kEventNames = {
    "submit", "accept", "reject", "merge", "dispatch", "sign", "return", "escalate",
    "request_extension", "grant_extension", "deny_extension", "urge", "supervise", "resolve",
    "evaluate", "reopen", "close", "withdraw", "mark_overdue", "load_org", "set_policy", "load_calendar",
    "set_calendar", "loop", "support", "withdraw_support"};
constexpr std::array<std::string_view, kEventTypeCount> kEventZh = {
    "提交", "受理", "不予受理", "合并", "派单", "签收", "退单", "上报", "申请延期", "批准延期", "驳回延期",
    "催办", "督办", "办结", "评价", "重办/复查/复核", "归档", "撤回", "超期", "组织架构", "政策", "工作日历", "日历模式", "闭环事件",
    "附议", "撤回附议"};
constexpr std::array<std::string_view, 4> kStageNames = {"collection", "handling", "supervision", "evaluation"};
constexpr std::array<std::string_view, 4> kStageZh = {"民意收集", "响应处理", "跟踪督促", "评估评价"};
constexpr std::array<std::string_view, 4> kScopeNames = {"anywhere", "location", "unit_or_ancestor", "strict_ancestor"};
constexpr std::array<std::string_view, kGuardCount> kGuardNames = {
    "none", "submission_valid", "reason_given", "merge_target", "routable", "return_allowed",
    "below_ceiling", "extension_request_valid", "extension_pending", "extension_pending_reason",
    "answer_given", "evaluation_valid", "reopen_allowed", "past_due"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "register", "accept", "reject", "merge", "dispatch", "sign", "return", "escalate",
    "request_extension", "grant_extension", "deny_extension", "urge", "supervise", "resolve",
    "evaluate", "reopen", "close", "withdraw", "mark_overdue"};

std::string state_label(std::uint8_t s) {
  return s == kInitialState ? std::string("new") : std::string(kStateNames[s]);
}

std::string roles_text(RoleMask m) {
  std::vector<std::string> names;
  for (int r = 0; r < kRoleCount; ++r)
    if (m & role_bit(static_cast<Role>(r))) names.emplace_back(to_string(static_cast<Role>(r)));
  return absl::StrJoin(names, ", ");
}

struct RoleGroup {
  std::string_view name;
  RoleMask mask;
};
constexpr RoleGroup kGroups[] = {
    {"resident", roles::kResident},       {"system", roles::kSystem},
    {"handlers", roles::kHandlers},       {"dispatchers", roles::kDispatchers},
    {"intake", roles::kIntake},           {"supervisors", roles::kSupervisors},
    {"callback", roles::kCallback},       {"on_behalf", roles::kSubmitOnBehalf},
};

// The roles of a row as named groups when one or two groups make it up exactly.
std::string roles_short(RoleMask m) {
  for (const auto& a : kGroups) {
    if (a.mask == m) return std::string(a.name);
    for (const auto& b : kGroups)
      if (&a < &b && (a.mask | b.mask) == m && (a.mask & b.mask) == 0) return internal::cat(a.name, " | ", b.name);
  }
  return roles_text(m);
}

}  // namespace

Stage stage_of(State s) {
  switch (s) {
    case State::kReceived: case State::kAccepted: case State::kRejected: case State::kMerged:
    case State::kWithdrawn:
      return Stage::kCollection;
    case State::kDispatched: case State::kInProgress: case State::kResolved:
      return Stage::kHandling;
    case State::kClosed:
      return Stage::kEvaluation;
  }
  return Stage::kCollection;
}
bool is_terminal(State s) { return s == State::kRejected || s == State::kMerged || s == State::kWithdrawn; }
bool is_open(State s) {
  return s == State::kReceived || s == State::kAccepted || s == State::kDispatched || s == State::kInProgress ||
         s == State::kResolved;
}

std::string_view to_string(State s) { return kStateNames[static_cast<int>(s)]; }
std::string_view to_string(Stage s) { return kStageNames[static_cast<int>(s)]; }
std::string_view to_string(EventType e) { return kEventNames[static_cast<int>(e)]; }
std::string_view to_string(Scope s) { return kScopeNames[static_cast<int>(s)]; }
std::string_view to_string(Guard g) { return kGuardNames[static_cast<int>(g)]; }
std::string_view to_string(Action a) { return kActionNames[static_cast<int>(a)]; }
std::string_view chinese_name(State s) { return kStateZh[static_cast<int>(s)]; }
std::string_view chinese_name(EventType e) { return kEventZh[static_cast<int>(e)]; }
std::string_view chinese_name(Stage s) { return kStageZh[static_cast<int>(s)]; }
std::optional<State> parse_state(std::string_view t) {
  for (int i = 0; i < kStateCount; ++i)
    if (kStateNames[i] == t) return static_cast<State>(i);
  return std::nullopt;
}
std::optional<EventType> parse_event_type(std::string_view t) {
  for (int i = 0; i < kEventTypeCount; ++i)
    if (kEventNames[i] == t) return static_cast<EventType>(i);
  return std::nullopt;
}
std::string_view to_string(Track t) { return t == Track::kHotline ? "hotline" : "xinfang"; }
std::string_view to_string(Satisfaction s) {
  constexpr std::array<std::string_view, 3> n = {"satisfied", "basically_satisfied", "unsatisfied"};
  return n[static_cast<int>(s)];
}
std::optional<Satisfaction> parse_satisfaction(std::string_view t) {
  for (int i = 0; i < 3; ++i)
    if (to_string(static_cast<Satisfaction>(i)) == t) return static_cast<Satisfaction>(i);
  return std::nullopt;
}
std::string_view to_string(ReopenKind k) {
  constexpr std::array<std::string_view, 3> n = {"reopen", "review", "re_review"};
  return n[static_cast<int>(k)];
}
std::optional<ReopenKind> parse_reopen_kind(std::string_view t) {
  for (int i = 0; i < 3; ++i)
    if (to_string(static_cast<ReopenKind>(i)) == t) return static_cast<ReopenKind>(i);
  return std::nullopt;
}

std::string resident_notice(const PetitionView& v) {
  if (v.state == State::kMerged && v.merged_into != kNoPetition) {
    const std::string kept = absl::StrFormat("P%08d", v.merged_into);
    return internal::cat("本诉求已并入 ", kept, " 一并办理 (merged into ", kept, ", which carries it on)");
  }
  if (v.not_ours) {
    const NotOursAnswer& n = *v.not_ours;
    const std::string& who = n.competent_unit.empty() ? n.external_body : n.competent_unit;
    return internal::cat("非本单位职责：", n.returned_by, " 退回，应由 ", who, " 办理。", n.reason,
                         " (not ours: returned by ", n.returned_by, "; competent: ", who, ")");
  }
  return {};
}

std::string workflow_dot() {
  // A state's self-loops (commands that keep the state: the clock's marks, extensions,
  // supervision, and the participation commands 附议 on others' petitions) are listed
  // inside the state's box, one line each: drawn as loops, their labels stack on top of
  // each other and of the edges nearby.
  std::array<std::string, kStateCount> stays;
  auto stay = [&](std::uint8_t s, std::string_view line) {
    internal::append(&stays[s], "<br align=\"left\"/>", line);
  };
  for (const auto& t : kTransitions) {
    if (t.from >= kStateCount || t.from != static_cast<std::uint8_t>(t.to)) continue;
    std::string line(kEventNames[static_cast<int>(t.event)]);
    if (t.guard != Guard::kNone) internal::append(&line, " [", kGuardNames[static_cast<int>(t.guard)], "]");
    internal::append(&line, ": ", roles_short(t.roles));
    stay(t.from, line);
  }
  for (const auto& p : kParticipation) {
    for (int s = 0; s < kStateCount; ++s) {
      if (!(p.states & state_bit(static_cast<State>(s)))) continue;
      stay(static_cast<std::uint8_t>(s),
           internal::cat(kEventNames[static_cast<int>(p.event)], ": ", roles_short(p.roles), " (others')"));
    }
  }
  std::string out =
      "// Generated from jiceng::kTransitions by `jiceng workflow dot`. Do not edit.\n"
      "digraph petition {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n  new [shape=point, width=0.15];\n";
  for (int st = 0; st < 4; ++st) {
    internal::append(&out, "  subgraph cluster_", kStageNames[st], " {\n    label=\"", kStageNames[st], " ",
                    kStageZh[st], "\";\n");
    for (int s = 0; s < kStateCount; ++s) {
      const auto state = static_cast<State>(s);
      if (static_cast<int>(stage_of(state)) != st) continue;
      const std::string& list = stays[static_cast<std::size_t>(s)];
      if (list.empty()) {
        internal::append(&out, "    ", kStateNames[s], " [label=\"", kStateNames[s], "\\n", kStateZh[s], "\"",
                         is_terminal(state) ? ", peripheries=2" : "", "];\n");
      } else {
        internal::append(&out, "    ", kStateNames[s], " [label=<", kStateNames[s], "<br/>", kStateZh[s],
                         "<font point-size=\"8\"><br/><i>stays in the state:</i>", list,
                         "<br align=\"left\"/></font>>", is_terminal(state) ? ", peripheries=2" : "", "];\n");
      }
    }
    out += "  }\n";
  }
  for (const auto& t : kTransitions) {
    if (t.from < kStateCount && t.from == static_cast<std::uint8_t>(t.to)) continue;  // listed in the box
    internal::append(&out, "  ", state_label(t.from), " -> ", kStateNames[static_cast<int>(t.to)], " [label=\"",
                    kEventNames[static_cast<int>(t.event)]);
    if (t.guard != Guard::kNone) internal::append(&out, " [", kGuardNames[static_cast<int>(t.guard)], "]");
    internal::append(&out, "\\n", roles_short(t.roles), "\"",
                    t.roles == roles::kSystem ? ", style=dashed" : "", "];\n");
  }
  // Legend: the role groups used on the edges.
  out += "  legend [shape=note, fontsize=9, label=\"roles\\l";
  for (const auto& g : kGroups) {
    if (g.mask == roles::kResident || g.mask == roles::kSystem) continue;
    internal::append(&out, g.name, ": ", roles_text(g.mask), "\\l");
  }
  out += "\"];\n}\n";
  return out;
}

absl::StatusOr<std::string> workflow_matrix(std::string_view format) {
  const bool md = format == "markdown";
  if (!md && format != "csv") {
    return absl::InvalidArgumentError(internal::cat("workflow matrix: format \"", format, "\" must be markdown or csv"));
  }
  std::string out;
  std::vector<std::string> header = {"event"};
  for (int r = 0; r < kRoleCount; ++r) header.emplace_back(to_string(static_cast<Role>(r)));
  if (md) {
    out = "<!-- Generated from jiceng::kTransitions by `jiceng workflow matrix --format markdown`. Do not edit. -->\n";
    out += "Cell: the states in which the role may issue the event, and its scope "
           "(own = the resident's own petitions; unit+anc = the petition's current unit or an ancestor; "
           "anc = a strict ancestor; loc+anc = the petition's location or an ancestor; any = no unit limit).\n\n";
    internal::append(&out, "| ", absl::StrJoin(header, " | "), " |\n|");
    for (std::size_t i = 0; i < header.size(); ++i) out += "---|";
    out += "\n";
  } else {
    internal::append(&out, absl::StrJoin(header, ","), "\n");
  }
  constexpr std::array<std::string_view, 4> scope_short = {"any", "loc+anc", "unit+anc", "anc"};
  for (int e = 0; e < kPetitionEventCount; ++e) {
    std::vector<std::string> cells = {std::string(kEventNames[e])};
    for (int r = 0; r < kRoleCount; ++r) {
      const auto role = static_cast<Role>(r);
      std::vector<std::string> states;
      std::string scope;
      for (const auto& t : kTransitions) {
        if (static_cast<int>(t.event) != e || !(t.roles & role_bit(role))) continue;
        states.push_back(state_label(t.from));
        scope = role == Role::kResident ? "own"
                : role == Role::kSystem ? "any"
                                        : std::string(scope_short[static_cast<int>(t.scope)]);
      }
      cells.push_back(states.empty() ? std::string(md ? "—" : "")
                                     : internal::cat(absl::StrJoin(states, md ? ", " : " "), " (", scope, ")"));
    }
    internal::append(&out, md ? "| " : "", absl::StrJoin(cells, md ? " | " : ","), md ? " |\n" : "\n");
  }
  if (md) {
    // The participation commands, from kParticipation (the CSV keeps one line per
    // state-machine event).
    out += "\nParticipation commands (附议): they never change the petition's state; a resident acts on "
           "another resident's petition (others' = not one's own).\n\n| command | roles | states |\n|---|---|---|\n";
    for (const auto& p : kParticipation) {
      std::vector<std::string> states;
      for (int s = 0; s < kStateCount; ++s)
        if (p.states & state_bit(static_cast<State>(s))) states.emplace_back(kStateNames[s]);
      internal::append(&out, "| ", kEventNames[static_cast<int>(p.event)], " (", kEventZh[static_cast<int>(p.event)],
                       ") | ", roles_text(p.roles), " (others') | ", absl::StrJoin(states, ", "), " |\n");
    }
  }
  return out;
}

}  // namespace jiceng
