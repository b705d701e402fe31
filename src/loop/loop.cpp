// The loop framework: the undo log, table checks, the generated diagram, permission
// matrix and table JSON, the loop event document, and the registration list.
#include "jiceng/loop.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>

#include "boost/json.hpp"
#include "common/strings.hpp"

namespace jiceng {

// ---------------------------------------------------------------------------------------
// UndoLog

void UndoLog::push(absl::AnyInvocable<void() &&> fn) {
  if (!recording_) return;
  Entry e;
  e.closure = std::move(fn);
  entries_.push_back(std::move(e));
}

void UndoLog::push_raw(RawFn fn, void* owner, const void* bytes, std::size_t size) {
  if (!recording_) return;
  const std::size_t offset = bytes_.size();
  bytes_.resize(offset + ((size + 7) & ~std::size_t{7}));
  std::memcpy(bytes_.data() + offset, bytes, size);
  Entry e;
  e.raw = fn;
  e.owner = owner;
  e.offset = offset;
  entries_.push_back(std::move(e));
}

void UndoLog::begin() {
  entries_.clear();
  bytes_.clear();
  recording_ = true;
}

void UndoLog::rollback() {
  recording_ = false;  // what the entries do is not itself recorded
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->raw != nullptr) {
      it->raw(it->owner, bytes_.data() + it->offset);
    } else if (it->closure) {
      std::move(it->closure)();
    }
  }
  entries_.clear();
  bytes_.clear();
}

void UndoLog::commit() {
  recording_ = false;
  entries_.clear();
  bytes_.clear();
}

absl::StatusOr<std::string> LoopHost::query_loop(std::string_view loop, std::string_view name,
                                                 std::string_view /*params*/) const {
  return absl::NotFoundError(internal::cat("query ", name, " of loop ", loop, ": this host offers no loop queries"));
}

absl::Status LoopHost::hold_petition(std::string_view petition, Timestamp /*now*/) {
  return absl::FailedPreconditionError(internal::cat("hold petition ", petition, ": this host holds no petitions"));
}
absl::Status LoopHost::release_petition(std::string_view petition, Timestamp /*now*/) {
  return absl::FailedPreconditionError(internal::cat("release petition ", petition, ": this host holds no petitions"));
}

// ---------------------------------------------------------------------------------------
// Tables

std::string_view to_string(LoopScope s) {
  switch (s) {
    case LoopScope::kAnywhere: return "anywhere";
    case LoopScope::kItemUnit: return "item_unit";
    case LoopScope::kStrictAncestor: return "strict_ancestor";
  }
  return "unknown";
}

namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool has_state(const LoopTable& t, std::string_view s) {
  return std::any_of(t.states.begin(), t.states.end(), [&](const LoopState& x) { return x.name == s; });
}
bool has_event(const LoopTable& t, std::string_view e) {
  return std::any_of(t.events.begin(), t.events.end(), [&](const LoopEventType& x) { return x.name == e; });
}

std::string role_names(RoleMask m) {
  std::string out;
  for (int r = 0; r < kRoleCount; ++r) {
    if (!(m & role_bit(static_cast<Role>(r)))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(static_cast<Role>(r));
  }
  return out;
}

}  // namespace

absl::Status check_table(const LoopTable& t) {
  auto bad = [&](auto&&... parts) {
    return absl::FailedPreconditionError(internal::cat("loop table ", t.loop, ": ", parts...));
  };
  if (!valid_name(t.loop)) return bad("the loop name must be 1-64 characters of a-z, 0-9, _");
  if (t.loop == "petition" || t.loop == "engine") return bad("the name is reserved");
  if (t.id_prefix.empty() || t.id_prefix.size() > 4) return bad("the id prefix must be 1-4 characters");
  std::set<std::string_view> seen;
  for (const auto& s : t.states) {
    if (!valid_name(s.name) || s.name == "new") return bad("state \"", s.name, "\" is not a valid state name");
    if (!seen.insert(s.name).second) return bad("state ", s.name, " is listed twice");
  }
  seen.clear();
  for (const auto& e : t.events) {
    if (!valid_name(e.name)) return bad("event \"", e.name, "\" is not a valid event name");
    if (!seen.insert(e.name).second) return bad("event ", e.name, " is listed twice");
  }
  std::set<std::pair<std::string_view, std::string_view>> pairs;
  bool creates = false;
  for (const auto& r : t.rows) {
    if (!r.from.empty() && !has_state(t, r.from)) return bad("a row starts in unknown state ", r.from);
    if (!has_state(t, r.to)) return bad("a row ends in unknown state ", r.to);
    if (!has_event(t, r.event)) return bad("a row names unknown event ", r.event);
    if (r.roles == 0) return bad("row ", r.from.empty() ? "new" : r.from, " --", r.event, "--> allows no role");
    if (!pairs.emplace(r.from, r.event).second) {
      return bad("two rows for (", r.from.empty() ? "new" : r.from, ", ", r.event, ")");
    }
    if (r.from.empty()) creates = true;
    for (const auto& s : t.states) {
      if (s.name == r.from && s.terminal) return bad("a row leaves terminal state ", s.name);
    }
  }
  if (!creates) return bad("no row creates an item (a row with an empty `from`)");
  return absl::OkStatus();
}

const LoopRow* find_row(const LoopTable& t, std::string_view from, std::string_view event) {
  for (const auto& r : t.rows)
    if (r.from == from && r.event == event) return &r;
  return nullptr;
}

std::string loop_diagram_dot(const LoopTable& t) {
  std::string o = internal::cat("digraph ", t.loop, " {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n",
                                "  new [shape=point];\n");
  for (const auto& s : t.states) {
    o += internal::cat("  ", s.name, " [label=\"", s.name, "\\n", s.zh, "\"", s.terminal ? ", peripheries=2" : "",
                       "];\n");
  }
  for (const auto& r : t.rows) {
    std::string label = internal::cat(r.event, "\\n[", role_names(r.roles), "]");
    if (r.guard != nullptr) label += internal::cat("\\nif ", r.guard_name);
    if (r.action != nullptr) label += internal::cat("\\ndo ", r.action_name);
    o += internal::cat("  ", r.from.empty() ? std::string_view("new") : r.from, " -> ", r.to, " [label=\"", label,
                       "\"];\n");
  }
  o += "}\n";
  return o;
}

std::string loop_permission_matrix(const LoopTable& t) {
  std::string o = internal::cat("# ", t.loop, " (", t.zh, "): permissions\n\n",
                                "| from | event | to | roles | scope | guard | action |\n",
                                "|---|---|---|---|---|---|---|\n");
  for (const auto& r : t.rows) {
    o += internal::cat("| ", r.from.empty() ? std::string_view("new") : r.from, " | ", r.event, " | ", r.to, " | ",
                       role_names(r.roles), " | ", to_string(r.scope), " | ", r.guard ? r.guard_name : "none", " | ",
                       r.action ? r.action_name : "none", " |\n");
  }
  return o;
}

std::string loop_table_json(const LoopTable& t) {
  namespace json = boost::json;
  json::object o;
  o["loop"] = t.loop;
  o["zh"] = t.zh;
  o["id_prefix"] = t.id_prefix;
  json::array states, events, rows;
  for (const auto& s : t.states) states.push_back(json::object{{"name", s.name}, {"zh", s.zh}, {"terminal", s.terminal}});
  for (const auto& e : t.events) events.push_back(json::object{{"name", e.name}, {"zh", e.zh}});
  for (const auto& r : t.rows) {
    json::array roles;
    for (int k = 0; k < kRoleCount; ++k)
      if (r.roles & role_bit(static_cast<Role>(k))) roles.push_back(json::string(to_string(static_cast<Role>(k))));
    rows.push_back(json::object{{"from", r.from.empty() ? std::string_view("new") : r.from},
                                {"event", r.event},
                                {"to", r.to},
                                {"roles", std::move(roles)},
                                {"scope", to_string(r.scope)},
                                {"guard", r.guard ? r.guard_name : "none"},
                                {"action", r.action ? r.action_name : "none"}});
  }
  o["states"] = std::move(states);
  o["events"] = std::move(events);
  o["rows"] = std::move(rows);
  return json::serialize(o);
}

// ---------------------------------------------------------------------------------------
// The loop event document

std::string encode_loop_event(const LoopEvent& e) {
  // Hand-ordered keys so that the bytes are canonical; `data` is already canonical JSON.
  std::string o = R"({"loop":)";
  o += boost::json::serialize(boost::json::value(boost::json::string_view(e.loop)));
  o += R"(,"event":)";
  o += boost::json::serialize(boost::json::value(boost::json::string_view(e.event)));
  o += internal::cat(R"(,"item":)", e.item, R"(,"data":)", e.data.empty() ? std::string_view("{}") : e.data, "}");
  return o;
}

absl::StatusOr<LoopEvent> decode_loop_event(std::string_view doc) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(boost::json::string_view(doc.data(), doc.size()), ec);
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(internal::cat("loop event document: ", what));
  };
  if (ec || !v.is_object()) return bad("not a JSON object");
  const auto& o = v.as_object();
  const auto* loop = o.if_contains("loop");
  const auto* event = o.if_contains("event");
  const auto* item = o.if_contains("item");
  const auto* data = o.if_contains("data");
  if (o.size() != 4 || !loop || !loop->is_string() || !event || !event->is_string() || !item || !data ||
      !data->is_object()) {
    return bad("expected exactly the keys loop, event, item, data");
  }
  LoopEvent e;
  e.loop = std::string(loop->as_string());
  e.event = std::string(event->as_string());
  if (item->is_uint64()) {
    e.item = item->as_uint64();
  } else if (item->is_int64() && item->as_int64() >= 0) {
    e.item = static_cast<std::uint64_t>(item->as_int64());
  } else {
    return bad("item is not a non-negative integer");
  }
  e.data = boost::json::serialize(*data);
  if (encode_loop_event(e) != doc) return bad("not in canonical form");
  return e;
}

// ---------------------------------------------------------------------------------------
// Registration

std::vector<LoopFactory> builtin_loop_factories();  // registry.cpp

namespace {
struct Registry {
  std::mutex mu;
  std::vector<LoopFactory> factories;
  std::vector<std::string> names;
  bool initialized = false;
};
Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: engines may outlive static teardown
  return *r;
}
absl::Status add_locked(Registry& r, LoopFactory f) {
  if (!f) return absl::InvalidArgumentError("register_loop: empty factory");
  std::unique_ptr<Loop> probe;
  try {
    probe = f();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(internal::cat("register_loop: the factory threw: ", e.what()));
  }
  if (!probe) return absl::InvalidArgumentError("register_loop: the factory made no loop");
  const LoopTable& t = probe->table();
  if (auto st = check_table(t); !st.ok()) return absl::InvalidArgumentError(st.message());
  if (std::find(r.names.begin(), r.names.end(), t.loop) != r.names.end()) {
    return absl::AlreadyExistsError(internal::cat("register_loop: loop ", t.loop, " is already registered"));
  }
  r.names.emplace_back(t.loop);
  r.factories.push_back(std::move(f));
  return absl::OkStatus();
}
void init_locked(Registry& r) {
  if (r.initialized) return;
  r.initialized = true;
  for (auto& f : builtin_loop_factories()) {
    // A built-in loop whose table does not check is a bug caught by the tests.
    (void)add_locked(r, std::move(f));
  }
}
}  // namespace

absl::Status register_loop(LoopFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  init_locked(r);
  return add_locked(r, std::move(factory));
}

std::vector<std::string> registered_loops() {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  init_locked(r);
  return r.names;
}

std::vector<std::unique_ptr<Loop>> make_registered_loops() {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  init_locked(r);
  std::vector<std::unique_ptr<Loop>> out;
  out.reserve(r.factories.size());
  for (auto& f : r.factories) out.push_back(f());
  return out;
}

}  // namespace jiceng
