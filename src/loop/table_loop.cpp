// The table-driven loop base (see table_loop.hpp).
#include "loop/table_loop.hpp"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/china_time.hpp"
#include "common/strings.hpp"
#include "jiceng/org.hpp"

namespace jiceng {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

std::string_view sv(json::string_view s) { return std::string_view(s.data(), s.size()); }

void write_canonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    const auto& o = v.as_object();
    std::vector<const json::key_value_pair*> kv;
    kv.reserve(o.size());
    for (const auto& p : o) kv.push_back(&p);
    std::sort(kv.begin(), kv.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < kv.size(); ++i) {
      if (i) out += ',';
      out += json::serialize(json::value(kv[i]->key()));
      out += ':';
      write_canonical(kv[i]->value(), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    const auto& a = v.as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i) out += ',';
      write_canonical(a[i], out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

// Payload values: strings, integers, booleans, null, arrays and objects of them. No
// binary floats: they have no canonical form, and money is integer fen. No NUL in a string
// or a key: the library refuses NULs everywhere (a C caller's string would end there).
const char* bad_value(const json::value& v) {
  if (v.is_double()) return "numbers must be integers";
  if (v.is_string() && v.as_string().find('\0') != json::string::npos) return "strings must not contain NUL";
  if (v.is_object()) {
    for (const auto& p : v.as_object()) {
      if (p.key().find('\0') != json::string_view::npos) return "keys must not contain NUL";
      if (const char* why = bad_value(p.value())) return why;
    }
  }
  if (v.is_array()) {
    for (const auto& x : v.as_array())
      if (const char* why = bad_value(x)) return why;
  }
  return nullptr;
}

std::string_view state_name(const LoopTable& t, std::uint16_t s) { return t.states[s].name; }

std::optional<std::uint16_t> state_index(const LoopTable& t, std::string_view name) {
  for (std::size_t i = 0; i < t.states.size(); ++i)
    if (t.states[i].name == name) return static_cast<std::uint16_t>(i);
  return std::nullopt;
}

std::string allowed_from(const LoopTable& t, std::string_view event) {
  std::string out;
  for (const auto& r : t.rows) {
    if (r.event != event) continue;
    if (!out.empty()) out += ", ";
    out += r.from.empty() ? std::string_view("new") : r.from;
  }
  return out.empty() ? std::string("none") : out;
}

std::string role_list(RoleMask m) {
  std::string out;
  for (int r = 0; r < kRoleCount; ++r) {
    if (!(m & role_bit(static_cast<Role>(r)))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(static_cast<Role>(r));
  }
  return out;
}

absl::StatusOr<json::object> parse_payload(std::string_view text, std::string_view where) {
  if (text.empty()) return json::object{};
  if (text.size() > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(
        internal::cat(where, ": payload of ", text.size(), " bytes exceeds the limit of ", kMaxPayloadBytes));
  }
  json::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return absl::InvalidArgumentError(internal::cat(where, ": payload is not valid JSON: ", ec.message()));
  if (!v.is_object()) return absl::InvalidArgumentError(internal::cat(where, ": payload must be a JSON object"));
  if (const char* why = bad_value(v)) return absl::InvalidArgumentError(internal::cat(where, ": payload ", why));
  return std::move(v.as_object());
}

}  // namespace

std::string canonical_json(const json::value& v) {
  std::string out;
  write_canonical(v, out);
  return out;
}

std::string display_item_id(const LoopTable& t, std::uint64_t id) {
  return internal::cat(t.id_prefix, absl::StrFormat("%08d", id));
}

absl::StatusOr<std::uint64_t> parse_item_id(const LoopTable& t, const json::value& v) {
  if (v.is_uint64() && v.as_uint64() > 0) return v.as_uint64();
  if (v.is_int64() && v.as_int64() > 0) return static_cast<std::uint64_t>(v.as_int64());
  if (v.is_string()) {
    std::string_view s = sv(v.as_string());
    if (s.substr(0, t.id_prefix.size()) == t.id_prefix) s.remove_prefix(t.id_prefix.size());
    std::uint64_t id = 0;
    bool ok = !s.empty() && s.size() <= 19;
    for (char c : s) {
      if (c < '0' || c > '9') ok = false;
      id = id * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (ok && id > 0) return id;
  }
  return absl::InvalidArgumentError(internal::cat(t.loop, ": item must be a positive number or an id like ",
                                                  display_item_id(t, 1)));
}

absl::StatusOr<std::string_view> required_string(const LoopCall& call, std::string_view field, std::size_t max_bytes) {
  const json::value* v = call.input.if_contains(json::string_view(field.data(), field.size()));
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    return absl::InvalidArgumentError(
        internal::cat(call.table.loop, " ", call.row.event, ": field \"", field, "\" (a non-empty string) is required"));
  }
  if (v->as_string().size() > max_bytes) {
    return absl::InvalidArgumentError(internal::cat(call.table.loop, " ", call.row.event, ": field \"", field,
                                                    "\" is longer than ", max_bytes, " bytes"));
  }
  return sv(v->as_string());
}

absl::StatusOr<std::int64_t> required_int(const LoopCall& call, std::string_view field) {
  const json::value* v = call.input.if_contains(json::string_view(field.data(), field.size()));
  if (v == nullptr || !v->is_int64()) {
    return absl::InvalidArgumentError(
        internal::cat(call.table.loop, " ", call.row.event, ": field \"", field, "\" (an integer) is required"));
  }
  return v->as_int64();
}

absl::Status TableLoop::check(const LoopRow& row, const Actor& actor, Timestamp now, const LoopItem* item,
                              const json::object& input, LoopHost& host) const {
  const std::string where =
      item ? internal::cat(table_.loop, " ", row.event, " ", display_item_id(table_, item->id))
           : internal::cat(table_.loop, " ", row.event);
  if (!(row.roles & role_bit(actor.role))) {
    return absl::PermissionDeniedError(internal::cat("role ", to_string(actor.role), " may not ", where,
                                                     "; allowed roles: ", role_list(row.roles)));
  }
  if (item != nullptr && now < item->updated) {
    return absl::InvalidArgumentError(internal::cat(where, ": time ", internal::china_time_iso(now),
                                                    " is before its last event at ",
                                                    internal::china_time_iso(item->updated)));
  }
  // The unit the row's scope is about: the item's, or for a creating row the one named.
  std::string_view unit;
  if (item != nullptr) {
    unit = item->unit;
  } else {
    const json::value* u = input.if_contains("unit");
    if (u == nullptr || !u->is_string() || u->as_string().empty()) {
      return absl::InvalidArgumentError(internal::cat(where, ": field \"unit\" (the unit it belongs to) is required"));
    }
    unit = sv(u->as_string());
  }
  const auto target = host.org().find(unit);
  if (!target) return absl::NotFoundError(internal::cat(where, ": unit \"", unit, "\" is not in the org graph"));
  if (actor.role == Role::kResident) {
    if (item != nullptr && item->creator != actor.id) {
      return absl::PermissionDeniedError(internal::cat("resident ", actor.id, " may not ", where,
                                                       ": scope own item (created by ", item->creator, ")"));
    }
  } else if (actor.role != Role::kSystem && row.scope != LoopScope::kAnywhere) {
    const auto au = host.org().find(actor.unit);
    bool ok = au && host.org().is_ancestor_or_self(*au, *target);
    if (ok && row.scope == LoopScope::kStrictAncestor) ok = *au != *target;
    if (!ok) {
      return absl::PermissionDeniedError(internal::cat(
          to_string(actor.role), " ", actor.id, " at unit ", actor.unit.empty() ? "(none)" : actor.unit, " may not ",
          where, ": scope ", to_string(row.scope), " requires unit ", unit,
          row.scope == LoopScope::kStrictAncestor ? " or an ancestor above it" : " or an ancestor of it"));
    }
  }
  if (row.guard != nullptr) {
    LoopCall call{table_, row, host, actor, now, input, item};
    JICENG_RETURN_IF_ERROR(row.guard(call));
  }
  return absl::OkStatus();
}

absl::StatusOr<LoopEvent> TableLoop::decide(const LoopCommand& c, LoopHost& host) const {
  const std::string where = internal::cat(table_.loop, " ", c.event);
  JICENG_ASSIGN_OR_RETURN(json::object input, parse_payload(c.payload, where));
  const LoopItem* it = nullptr;
  if (c.item != 0) {
    it = item(c.item);
    if (it == nullptr) {
      return absl::NotFoundError(internal::cat(where, ": item ", display_item_id(table_, c.item), " not found"));
    }
  }
  const std::string_view from = it ? state_name(table_, it->state) : std::string_view();
  const LoopRow* row = find_row(table_, from, c.event);
  if (row == nullptr) {
    bool known = false;
    for (const auto& e : table_.events) known = known || e.name == c.event;
    if (!known) return absl::NotFoundError(internal::cat(table_.loop, ": unknown event \"", c.event, "\""));
    if (it == nullptr) {
      return absl::FailedPreconditionError(
          internal::cat(where, ": needs an item (allowed in: ", allowed_from(table_, c.event), ")"));
    }
    return absl::FailedPreconditionError(internal::cat(where, " ", display_item_id(table_, it->id), ": item is in state ",
                                                       from, "; allowed in: ", allowed_from(table_, c.event)));
  }
  JICENG_RETURN_IF_ERROR(check(*row, c.actor, c.now, it, input, host));
  LoopEvent e;
  e.loop = std::string(table_.loop);
  e.event = std::string(c.event);
  e.item = it ? it->id : items_.size() + 1;
  e.data = canonical_json(input);
  JICENG_RETURN_IF_ERROR(cross_check(e, host));
  return e;
}

absl::Status TableLoop::cross_check(LoopEvent&, LoopHost&) const { return absl::OkStatus(); }

absl::Status TableLoop::apply(const LoopEvent& e, const Actor& actor, Timestamp time, LoopHost& host) {
  const std::string where = internal::cat(table_.loop, " ", e.event, " ", display_item_id(table_, e.item));
  auto fail = [&](std::string_view why) {
    return absl::DataLossError(internal::cat(where, ": the recorded event does not apply: ", why));
  };
  json::error_code ec;
  json::value data = json::parse(json::string_view(e.data.data(), e.data.size()), ec);
  if (ec || !data.is_object()) return fail("its data is not a JSON object");
  const bool creates = e.item == items_.size() + 1;
  if (!creates && item(e.item) == nullptr) return fail("no such item");
  LoopItem* it = creates ? nullptr : &items_[e.item - 1];
  const LoopRow* row = find_row(table_, it ? state_name(table_, it->state) : std::string_view(), e.event);
  if (row == nullptr) return fail("no row of the table for the item's state");
  // Live, decide() ran these checks on this same state a moment ago; replay re-runs them.
  if (host.replaying()) {
    if (auto st = check(*row, actor, time, it, data.as_object(), host); !st.ok()) return fail(internal::sv(st.message()));
    LoopEvent again = e;
    if (auto st = cross_check(again, host); !st.ok()) return fail(internal::sv(st.message()));
    if (again.data != e.data) {
      return fail(internal::cat("its derived fields ", e.data, " differ from those derived again, ", again.data));
    }
  }
  if (creates) {
    host.undo().push([this] { items_.pop_back(); });
    LoopItem n;
    n.id = e.item;
    n.unit = std::string(sv(data.as_object().at("unit").as_string()));
    n.creator = actor.id;
    n.created = time;
    items_.push_back(std::move(n));
    it = &items_.back();
  } else {
    host.undo().push([this, saved = *it] { items_[saved.id - 1] = saved; });
  }
  const LoopItem before = *it;  // the action sees the item as it was
  it->state = *state_index(table_, row->to);
  it->updated = time;
  if (row->action != nullptr) {
    LoopCall call{table_, *row, host, actor, time, data.as_object(), creates ? nullptr : &before, it};
    if (auto st = row->action(call); !st.ok()) {
      *it = before;  // an action that fails leaves the item as it was
      if (creates) items_.pop_back();
      return host.replaying() ? fail(internal::sv(st.message())) : st;
    }
  }
  // A referral ends with its item: the petitions it holds go on to their evaluation.
  const json::value* held = it->data.if_contains("referred_petitions");
  if (table_.states[it->state].terminal && held != nullptr && held->is_array()) {
    for (const json::value& p : held->as_array()) {
      absl::Status st = p.is_string() ? host.release_petition(sv(p.as_string()), time)
                                      : absl::InternalError("referred_petitions holds a non-string");
      if (!st.ok()) {
        *it = before;
        if (creates) items_.pop_back();
        return host.replaying() ? fail(internal::sv(st.message())) : st;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status hold_referred_petition(LoopCall& call, std::string_view petition) {
  if (call.target == nullptr) return absl::InternalError("hold_referred_petition: called outside an action");
  JICENG_RETURN_IF_ERROR(call.host.hold_petition(petition, call.now));
  json::value& held = call.target->data["referred_petitions"];
  if (!held.is_array()) held.emplace_array();
  held.as_array().emplace_back(json::string_view(petition.data(), petition.size()));
  return absl::OkStatus();
}

json::object TableLoop::item_json(const LoopItem& it) const {
  json::object o;
  o["id"] = display_item_id(table_, it.id);
  o["item"] = it.id;
  o["state"] = state_name(table_, it.state);
  o["state_zh"] = table_.states[it.state].zh;
  o["unit"] = it.unit;
  o["creator"] = it.creator;
  o["created"] = it.created;
  o["updated"] = it.updated;
  o["data"] = it.data;
  return o;
}

absl::StatusOr<std::string> TableLoop::query(std::string_view name, std::string_view params,
                                             const LoopHost& host) const {
  const std::string where = internal::cat(table_.loop, " query ", name);
  JICENG_ASSIGN_OR_RETURN(json::object p, parse_payload(params, where));
  if (name == "table") return loop_table_json(table_);
  if (name == "get") {
    const json::value* v = p.if_contains("item");
    if (v == nullptr) return absl::InvalidArgumentError(internal::cat(where, ": field \"item\" is required"));
    JICENG_ASSIGN_OR_RETURN(std::uint64_t id, parse_item_id(table_, *v));
    const LoopItem* it = item(id);
    if (it == nullptr) return absl::NotFoundError(internal::cat(where, ": item ", display_item_id(table_, id), " not found"));
    return canonical_json(item_json(*it));
  }
  if (name == "counts") {
    json::object o;
    for (const auto& s : table_.states) o[json::string_view(s.name.data(), s.name.size())] = 0;
    for (const auto& it : items_) {
      auto& c = o[json::string_view(table_.states[it.state].name.data(), table_.states[it.state].name.size())];
      c = c.as_int64() + 1;
    }
    return canonical_json(o);
  }
  if (name == "list") {
    std::optional<std::uint16_t> state;
    std::optional<std::uint32_t> under;
    std::uint64_t limit = 0;
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k == "state" && kv.value().is_string()) {
        state = state_index(table_, sv(kv.value().as_string()));
        if (!state) return absl::InvalidArgumentError(internal::cat(where, ": unknown state \"", sv(kv.value().as_string()), "\""));
      } else if (k == "unit" && kv.value().is_string()) {
        under = host.org().find(sv(kv.value().as_string()));
        if (!under) return absl::NotFoundError(internal::cat(where, ": unit \"", sv(kv.value().as_string()), "\" is not in the org graph"));
      } else if (k == "limit" && kv.value().is_int64() && kv.value().as_int64() >= 0) {
        limit = static_cast<std::uint64_t>(kv.value().as_int64());
      } else {
        return absl::InvalidArgumentError(internal::cat(where, ": unknown or ill-typed parameter \"", k,
                                                        "\" (state: string, unit: string, limit: integer ≥ 0)"));
      }
    }
    json::array items;
    for (const auto& it : items_) {
      if (state && it.state != *state) continue;
      if (under) {
        auto u = host.org().find(it.unit);
        if (!u || !host.org().is_ancestor_or_self(*under, *u)) continue;
      }
      items.push_back(item_json(it));
      if (limit != 0 && items.size() >= limit) break;
    }
    return canonical_json(json::object{{"items", std::move(items)}});
  }
  return absl::NotFoundError(internal::cat(table_.loop, ": unknown query \"", name, "\" (get, list, counts, table",
                                          own_queries_.empty() ? "" : ", ", own_queries_, ")"));
}

void TableLoop::clock_commands(const LoopItem&, std::vector<ClockCommand>&) const {}

Timestamp TableLoop::next_wake() const {
  Timestamp wake = kNoDeadline;
  std::vector<ClockCommand> owed;
  for (const LoopItem& it : items_) {
    owed.clear();
    clock_commands(it, owed);
    for (const ClockCommand& c : owed) wake = std::min(wake, c.at);
  }
  return wake;
}

std::vector<LoopCommand> TableLoop::due(Timestamp now) const {
  std::vector<LoopCommand> out;
  std::vector<ClockCommand> owed;
  for (const LoopItem& it : items_) {
    owed.clear();
    clock_commands(it, owed);
    for (const ClockCommand& c : owed) {
      if (c.at > now) continue;
      LoopCommand command;
      command.event = c.event;
      command.item = it.id;
      out.push_back(command);
    }
  }
  return out;
}

std::string TableLoop::snapshot() const {
  if (items_.empty()) return {};
  json::array a;
  for (const auto& it : items_) {
    a.push_back(json::object{{"state", state_name(table_, it.state)}, {"unit", it.unit}, {"creator", it.creator},
                             {"created", it.created}, {"updated", it.updated}, {"data", it.data}});
  }
  return canonical_json(a);
}

absl::Status TableLoop::restore(std::string_view bytes) {
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(internal::cat("restore: loop ", table_.loop, ": ", what));
  };
  std::vector<LoopItem> n;
  if (!bytes.empty()) {
    json::error_code ec;
    json::value v = json::parse(json::string_view(bytes.data(), bytes.size()), ec);
    if (ec || !v.is_array()) return bad("the section is not a JSON array");
    for (const auto& x : v.as_array()) {
      if (!x.is_object()) return bad(internal::cat("item ", n.size() + 1, " is not an object"));
      const auto& o = x.as_object();
      const json::value* st = o.if_contains("state");
      const json::value* unit = o.if_contains("unit");
      const json::value* creator = o.if_contains("creator");
      const json::value* created = o.if_contains("created");
      const json::value* updated = o.if_contains("updated");
      const json::value* data = o.if_contains("data");
      if (o.size() != 6 || !st || !st->is_string() || !unit || !unit->is_string() || !creator ||
          !creator->is_string() || !created || !created->is_int64() || !updated || !updated->is_int64() || !data ||
          !data->is_object()) {
        return bad(internal::cat("item ", n.size() + 1, " is malformed"));
      }
      auto s = state_index(table_, sv(st->as_string()));
      if (!s) return bad(internal::cat("item ", n.size() + 1, " is in unknown state ", sv(st->as_string())));
      LoopItem it;
      it.id = n.size() + 1;
      it.state = *s;
      it.unit = std::string(sv(unit->as_string()));
      it.creator = std::string(sv(creator->as_string()));
      it.created = created->as_int64();
      it.updated = updated->as_int64();
      it.data = data->as_object();
      n.push_back(std::move(it));
    }
    if (n.empty()) return bad("an empty section is written as no section");
  }
  items_ = std::move(n);
  return absl::OkStatus();
}

std::size_t TableLoop::memory_bytes() const {
  std::size_t b = items_.capacity() * sizeof(LoopItem);
  for (const auto& it : items_) b += it.unit.capacity() + it.creator.capacity() + json::serialize(it.data).size();
  return b;
}

}  // namespace jiceng
