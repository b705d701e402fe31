// Loading org data (JSON document or JSON Lines) into an OrgGraph. Three passes:
// read every record into plain structs (shape, types, UTF-8), validate the batch against
// the graph plus itself (ids, references, level schema, link rules, cross-link cycles via
// a Boost.Graph DFS), and only then append. A failure in the first two passes leaves the
// graph untouched.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "org/org_impl.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

struct UnitRec {
  std::string where;
  std::string id, name;
  int level = 0;
  UnitKind kind = UnitKind::kDistrictCommittee;
  std::optional<std::string> parent;
  std::optional<AreaSchema> schema;
  std::optional<std::string> compound;
};
struct LinkRec {
  std::string where;
  LinkType type = LinkType::kJoint;
  std::string from, to;
  bool tripartite = false;
};
struct TransferRec {
  std::string from, to;
  std::chrono::sys_days date{};
};
struct MemberRec {
  std::string where;
  std::string id, name;
  bool party = false;
  std::optional<std::string> org, residence;
  std::vector<TransferRec> transfers;
};
struct PostRec {
  std::string where;
  std::string member, unit;
  PostRole role = PostRole::kSecretary;
  std::chrono::sys_days start{};
  std::optional<std::chrono::sys_days> end;
};
struct HouseholdRec {
  std::string where;
  std::string id, building;
  std::optional<std::string> central;
};
struct Batch {
  std::optional<AreaSchema> schema;
  std::vector<UnitRec> units;
  std::vector<LinkRec> links;
  std::vector<MemberRec> members;
  std::vector<PostRec> posts;
  std::vector<HouseholdRec> households;
};

std::string printable(std::string_view s) {
  return is_valid_utf8(s) ? std::string(s) : absl::CHexEscape(internal::av(s));
}

/// Reads the fields of one record, producing errors that name the record and field.
class Reader {
 public:
  Reader(std::string_view source, std::string where, const json::object& obj)
      : source_(source), where_(std::move(where)), obj_(obj) {}

  const std::string& where() const { return where_; }

  absl::Status error(absl::StatusCode code, std::string_view field, std::string_view reason) const {
    if (field.empty()) return absl::Status(code, internal::cat(source_, ": ", where_, ": ", reason));
    return absl::Status(code, internal::cat(source_, ": ", where_, ", field \"", field, "\": ", reason));
  }
  absl::Status invalid(std::string_view field, std::string_view reason) const {
    return error(absl::StatusCode::kInvalidArgument, field, reason);
  }

  absl::Status only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : obj_) {
      std::string_view k = kv.key();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        return invalid(printable(k), internal::cat("unknown field (allowed: ", absl::StrJoin(std::vector<std::string>(allowed.begin(), allowed.end()), ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  const json::value* get(std::string_view key) const {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  absl::StatusOr<std::optional<std::string>> opt_string(std::string_view key) const {
    const json::value* v = get(key);
    if (!v) return std::optional<std::string>();
    if (!v->is_string()) return invalid(key, internal::cat("expected a string, got ", kind_name(*v)));
    std::string_view s = v->get_string();
    if (!is_valid_utf8(s)) return invalid(key, "invalid UTF-8");
    if (s.empty()) return invalid(key, "must not be empty");
    return std::optional<std::string>(std::string(s));
  }
  absl::StatusOr<std::string> req_string(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto s, opt_string(key));
    if (!s) return invalid(key, "missing");
    return std::move(*s);
  }
  absl::StatusOr<std::optional<std::int64_t>> opt_int(std::string_view key) const {
    const json::value* v = get(key);
    if (!v) return std::optional<std::int64_t>();
    if (v->is_int64()) return std::optional<std::int64_t>(v->get_int64());
    if (v->is_uint64() && v->get_uint64() <= 1u << 30) return std::optional<std::int64_t>(v->get_uint64());
    return invalid(key, internal::cat("expected an integer, got ", kind_name(*v)));
  }
  absl::StatusOr<std::int64_t> req_int(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto i, opt_int(key));
    if (!i) return invalid(key, "missing");
    return *i;
  }
  absl::StatusOr<std::optional<bool>> opt_bool(std::string_view key) const {
    const json::value* v = get(key);
    if (!v) return std::optional<bool>();
    if (!v->is_bool()) return invalid(key, internal::cat("expected true or false, got ", kind_name(*v)));
    return std::optional<bool>(v->get_bool());
  }
  absl::StatusOr<bool> req_bool(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto b, opt_bool(key));
    if (!b) return invalid(key, "missing");
    return *b;
  }
  absl::StatusOr<std::optional<std::chrono::sys_days>> opt_date(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto s, opt_string(key));
    if (!s) return std::optional<std::chrono::sys_days>();
    auto d = parse_iso_day(*s);
    if (!d) return invalid(key, internal::cat("'", *s, "' is not a date YYYY-MM-DD"));
    return std::optional<std::chrono::sys_days>(*d);
  }
  template <typename E>
  absl::StatusOr<E> req_enum(std::string_view key, std::optional<E> (*parse)(std::string_view),
                             std::string_view what) const {
    JICENG_ASSIGN_OR_RETURN(std::string s, req_string(key));
    auto e = parse(s);
    if (!e) return invalid(key, internal::cat("unknown ", what, " '", s, "'"));
    return *e;
  }

  static std::string_view kind_name(const json::value& v) {
    switch (v.kind()) {
      case json::kind::null: return "null";
      case json::kind::bool_: return "a boolean";
      case json::kind::int64:
      case json::kind::uint64: return "an integer";
      case json::kind::double_: return "a number with a fraction";
      case json::kind::string: return "a string";
      case json::kind::array: return "an array";
      case json::kind::object: return "an object";
    }
    return "a value";
  }

 private:
  std::string_view source_;
  std::string where_;
  const json::object& obj_;
};

// --- reading records ---

absl::Status read_unit(const Reader& r, bool jsonl, Batch& b) {
  JICENG_RETURN_IF_ERROR(jsonl ? r.only({"record", "id", "name", "level", "kind", "parent", "schema", "compound"})
                               : r.only({"id", "name", "level", "kind", "parent", "schema", "compound"}));
  UnitRec u;
  u.where = r.where();
  JICENG_ASSIGN_OR_RETURN(u.id, r.req_string("id"));
  u.where = internal::cat(r.where(), " (unit ", u.id, ")");
  JICENG_ASSIGN_OR_RETURN(u.name, r.req_string("name"));
  JICENG_ASSIGN_OR_RETURN(std::int64_t level, r.req_int("level"));
  if (level < 0 || level >= kLevelCount) {
    return r.invalid("level", internal::cat("unit ", u.id, ": level ", level, " is outside 0..", kLevelCount - 1));
  }
  u.level = static_cast<int>(level);
  JICENG_ASSIGN_OR_RETURN(u.kind, r.req_enum<UnitKind>("kind", &parse_unit_kind, "unit kind"));
  JICENG_ASSIGN_OR_RETURN(u.parent, r.opt_string("parent"));
  JICENG_ASSIGN_OR_RETURN(auto schema, r.opt_string("schema"));
  if (schema) {
    u.schema = parse_area_schema(*schema);
    if (!u.schema) return r.invalid("schema", internal::cat("unknown schema '", *schema, "' (urban_grid, compound, rural)"));
  }
  JICENG_ASSIGN_OR_RETURN(u.compound, r.opt_string("compound"));
  b.units.push_back(std::move(u));
  return absl::OkStatus();
}

absl::Status read_link(const Reader& r, bool jsonl, Batch& b) {
  JICENG_RETURN_IF_ERROR(jsonl ? r.only({"record", "type", "from", "to", "tripartite_agreement"})
                               : r.only({"type", "from", "to", "tripartite_agreement"}));
  LinkRec l;
  l.where = r.where();
  JICENG_ASSIGN_OR_RETURN(l.type, r.req_enum<LinkType>("type", &parse_link_type, "link type"));
  JICENG_ASSIGN_OR_RETURN(l.from, r.req_string("from"));
  JICENG_ASSIGN_OR_RETURN(l.to, r.req_string("to"));
  JICENG_ASSIGN_OR_RETURN(auto tri, r.opt_bool("tripartite_agreement"));
  if (tri && l.type != LinkType::kServes) {
    return r.invalid("tripartite_agreement", "only a serves link (property_branch -> grid/compound) carries a tripartite agreement");
  }
  l.tripartite = tri.value_or(false);
  b.links.push_back(std::move(l));
  return absl::OkStatus();
}

absl::Status read_member(std::string_view source, const Reader& r, bool jsonl, Batch& b) {
  JICENG_RETURN_IF_ERROR(jsonl ? r.only({"record", "id", "name", "party_member", "org_unit", "residence_unit", "transfers"})
                               : r.only({"id", "name", "party_member", "org_unit", "residence_unit", "transfers"}));
  MemberRec m;
  JICENG_ASSIGN_OR_RETURN(m.id, r.req_string("id"));
  m.where = internal::cat(r.where(), " (member ", m.id, ")");
  JICENG_ASSIGN_OR_RETURN(m.name, r.req_string("name"));
  JICENG_ASSIGN_OR_RETURN(m.party, r.req_bool("party_member"));
  JICENG_ASSIGN_OR_RETURN(m.org, r.opt_string("org_unit"));
  JICENG_ASSIGN_OR_RETURN(m.residence, r.opt_string("residence_unit"));
  if (m.party && !m.org) return r.invalid("org_unit", "missing (a party member's organizational relation)");
  if (const json::value* t = r.get("transfers")) {
    if (!t->is_array()) return r.invalid("transfers", internal::cat("expected an array, got ", Reader::kind_name(*t)));
    if (!m.party && !t->get_array().empty()) return r.invalid("transfers", "only a party member has relation transfers");
    std::size_t i = 0;
    for (const json::value& e : t->get_array()) {
      std::string where = internal::cat(m.where, ", transfers[", i++, "]");
      if (!e.is_object()) return r.invalid("transfers", internal::cat("transfers[", i - 1, "]: expected an object"));
      Reader tr(source, where, e.get_object());
      JICENG_RETURN_IF_ERROR(tr.only({"from", "to", "date"}));
      TransferRec x;
      JICENG_ASSIGN_OR_RETURN(x.from, tr.req_string("from"));
      JICENG_ASSIGN_OR_RETURN(x.to, tr.req_string("to"));
      JICENG_ASSIGN_OR_RETURN(auto d, tr.opt_date("date"));
      if (!d) return tr.invalid("date", "missing");
      x.date = *d;
      m.transfers.push_back(std::move(x));
    }
  }
  b.members.push_back(std::move(m));
  return absl::OkStatus();
}

absl::Status read_post(const Reader& r, bool jsonl, Batch& b) {
  JICENG_RETURN_IF_ERROR(jsonl ? r.only({"record", "member", "unit", "role", "start", "end"})
                               : r.only({"member", "unit", "role", "start", "end"}));
  PostRec p;
  p.where = r.where();
  JICENG_ASSIGN_OR_RETURN(p.member, r.req_string("member"));
  JICENG_ASSIGN_OR_RETURN(p.unit, r.req_string("unit"));
  JICENG_ASSIGN_OR_RETURN(p.role, r.req_enum<PostRole>("role", &parse_post_role, "post role"));
  JICENG_ASSIGN_OR_RETURN(auto start, r.opt_date("start"));
  if (!start) return r.invalid("start", "missing");
  p.start = *start;
  JICENG_ASSIGN_OR_RETURN(p.end, r.opt_date("end"));
  if (p.end && *p.end < p.start) return r.invalid("end", "the term ends before it starts");
  b.posts.push_back(std::move(p));
  return absl::OkStatus();
}

absl::Status read_household(const Reader& r, bool jsonl, Batch& b) {
  JICENG_RETURN_IF_ERROR(jsonl ? r.only({"record", "id", "building", "central_household"})
                               : r.only({"id", "building", "central_household"}));
  HouseholdRec h;
  JICENG_ASSIGN_OR_RETURN(h.id, r.req_string("id"));
  h.where = internal::cat(r.where(), " (household ", h.id, ")");
  JICENG_ASSIGN_OR_RETURN(h.building, r.req_string("building"));
  JICENG_ASSIGN_OR_RETURN(h.central, r.opt_string("central_household"));
  b.households.push_back(std::move(h));
  return absl::OkStatus();
}

std::pair<std::size_t, std::size_t> line_col(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  std::size_t nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  std::size_t col = (nl == std::string_view::npos || offset == 0) ? offset + 1 : offset - nl;
  return {line, col};
}

json::parse_options parse_options() {
  json::parse_options o;
  o.allow_invalid_utf8 = true;  // checked per field, so the error names the field
  return o;
}

/// Parses one JSON text; on error reports line and column.
absl::StatusOr<json::value> parse_value(std::string_view text, std::string_view source, std::string_view where,
                                        std::size_t line_base, json::storage_ptr sp) {
  json::parser p(json::storage_ptr(), parse_options());
  p.reset(std::move(sp));
  boost::system::error_code ec;
  std::size_t n = p.write(text.data(), text.size(), ec);
  if (!ec) return p.release();
  auto [line, col] = line_col(text, n);
  std::string at = line_base ? internal::cat("line ", line_base, ", column ", col)
                             : internal::cat("line ", line, ", column ", col);
  return absl::InvalidArgumentError(internal::cat(source, ": ", where.empty() ? "" : where, where.empty() ? "" : ": ",
                                                 "invalid JSON at ", at, ": ", ec.message()));
}

absl::Status read_document(std::string_view text, std::string_view source, Batch& b) {
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>();
  JICENG_ASSIGN_OR_RETURN(json::value doc, parse_value(text, source, "", 0, sp));
  if (!doc.is_object()) return absl::InvalidArgumentError(internal::cat(source, ": the document must be a JSON object"));
  const json::object& top = doc.get_object();
  Reader r(source, "document", top);
  JICENG_RETURN_IF_ERROR(r.only({"schema", "units", "links", "members", "posts", "households"}));
  JICENG_ASSIGN_OR_RETURN(auto schema, r.opt_string("schema"));
  if (schema) {
    b.schema = parse_area_schema(*schema);
    if (!b.schema) return r.invalid("schema", internal::cat("unknown schema '", *schema, "' (urban_grid, compound, rural)"));
  }
  auto each = [&](std::string_view key, auto&& fn) -> absl::Status {
    const json::value* v = r.get(key);
    if (!v) return absl::OkStatus();
    if (!v->is_array()) return r.invalid(key, internal::cat("expected an array, got ", Reader::kind_name(*v)));
    std::size_t i = 0;
    for (const json::value& e : v->get_array()) {
      std::string where = internal::cat(key, "[", i++, "]");
      if (!e.is_object()) {
        return absl::InvalidArgumentError(
            internal::cat(source, ": ", where, ": expected an object, got ", Reader::kind_name(e)));
      }
      JICENG_RETURN_IF_ERROR(fn(Reader(source, where, e.get_object())));
    }
    return absl::OkStatus();
  };
  JICENG_RETURN_IF_ERROR(each("units", [&](const Reader& rr) { return read_unit(rr, false, b); }));
  JICENG_RETURN_IF_ERROR(each("links", [&](const Reader& rr) { return read_link(rr, false, b); }));
  JICENG_RETURN_IF_ERROR(each("members", [&](const Reader& rr) { return read_member(source, rr, false, b); }));
  JICENG_RETURN_IF_ERROR(each("posts", [&](const Reader& rr) { return read_post(rr, false, b); }));
  JICENG_RETURN_IF_ERROR(each("households", [&](const Reader& rr) { return read_household(rr, false, b); }));
  return absl::OkStatus();
}

absl::Status read_lines(std::string_view text, std::string_view source, Batch& b) {
  std::size_t line_no = 0;
  bool any_record = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    alignas(std::max_align_t) unsigned char buffer[8192];
    json::monotonic_resource mr(buffer, sizeof buffer);
    std::string where = internal::cat("line ", line_no);
    JICENG_ASSIGN_OR_RETURN(json::value v, parse_value(line, source, "", line_no, json::storage_ptr(&mr)));
    if (!v.is_object()) {
      return absl::InvalidArgumentError(internal::cat(source, ": ", where, ": expected an object, got ", Reader::kind_name(v)));
    }
    Reader r(source, where, v.get_object());
    JICENG_ASSIGN_OR_RETURN(std::string record, r.req_string("record"));
    if (record == "schema") {
      if (any_record) return r.invalid("record", "a schema record must come first");
      JICENG_RETURN_IF_ERROR(r.only({"record", "schema"}));
      JICENG_ASSIGN_OR_RETURN(std::string s, r.req_string("schema"));
      b.schema = parse_area_schema(s);
      if (!b.schema) return r.invalid("schema", internal::cat("unknown schema '", s, "' (urban_grid, compound, rural)"));
    } else if (record == "unit") {
      JICENG_RETURN_IF_ERROR(read_unit(r, true, b));
    } else if (record == "link") {
      JICENG_RETURN_IF_ERROR(read_link(r, true, b));
    } else if (record == "member") {
      JICENG_RETURN_IF_ERROR(read_member(source, r, true, b));
    } else if (record == "post") {
      JICENG_RETURN_IF_ERROR(read_post(r, true, b));
    } else if (record == "household") {
      JICENG_RETURN_IF_ERROR(read_household(r, true, b));
    } else {
      return r.invalid("record", internal::cat("unknown record type '", printable(record),
                                              "' (schema, unit, link, member, post, household)"));
    }
    any_record = true;
  }
  return absl::OkStatus();
}

/// JSON Lines when the first non-blank line is, on its own, an object with a "record".
bool looks_like_json_lines(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec, json::storage_ptr(), parse_options());
    return !ec && v.is_object() && v.get_object().contains("record");
  }
  return false;
}

// --- validation ---

absl::Status fail(absl::StatusCode code, std::string_view source, std::string_view where, std::string_view field,
                  std::string_view reason) {
  return absl::Status(code, internal::cat(source, ": ", where, ", field \"", field, "\": ", reason));
}

/// The batch checked against the graph, with every reference resolved to an index.
struct Resolved {
  std::vector<UnitIndex> parent;
  std::vector<AreaSchema> schema;
  std::vector<std::uint8_t> schema_explicit;
  std::vector<Link> links;
  std::vector<std::pair<UnitIndex, UnitIndex>> member_units;  // org, residence
  std::vector<std::vector<MemberTransfer>> transfers;
  std::vector<Post> posts;
  std::vector<std::pair<UnitIndex, UnitIndex>> households;  // building, central
};

class Validator {
 public:
  Validator(const OrgGraph::Impl& im, const Batch& b, std::string_view source)
      : im_(im), b_(b), source_(source), n0_(static_cast<UnitIndex>(im.units())) {}

  absl::Status run(Resolved& out) {
    JICENG_RETURN_IF_ERROR(units(out));
    JICENG_RETURN_IF_ERROR(links(out));
    JICENG_RETURN_IF_ERROR(members(out));
    JICENG_RETURN_IF_ERROR(posts(out));
    JICENG_RETURN_IF_ERROR(households(out));
    return absl::OkStatus();
  }

 private:
  std::optional<UnitIndex> unit(std::string_view id) const {
    if (auto it = im_.unit_by_id.find(internal::av(id)); it != im_.unit_by_id.end()) return it->second;
    if (auto it = new_units_.find(id); it != new_units_.end()) return it->second;
    return std::nullopt;
  }
  UnitKind kind(UnitIndex u) const { return u < n0_ ? im_.kind[u] : b_.units[u - n0_].kind; }
  int level(UnitIndex u) const { return u < n0_ ? im_.level[u] : b_.units[u - n0_].level; }
  std::string_view id(UnitIndex u) const { return u < n0_ ? im_.id_of(u) : std::string_view(b_.units[u - n0_].id); }
  UnitIndex parent(UnitIndex u) const { return u < n0_ ? im_.parent[u] : parent_[u - n0_]; }
  UnitIndex ancestor_at(UnitIndex u, int lvl) const {
    while (u != kNoUnit && level(u) > lvl) u = parent(u);
    return u != kNoUnit && level(u) == lvl ? u : kNoUnit;
  }
  std::string describe(UnitIndex u) const {
    return internal::cat("level ", level(u), " (", to_string(kind(u)), ")");
  }

  absl::Status units(Resolved& out) {
    const std::size_t n = b_.units.size();
    new_units_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const UnitRec& u = b_.units[i];
      if (im_.unit_by_id.contains(u.id)) {
        return fail(absl::StatusCode::kAlreadyExists, source_, u.where, "id",
                    internal::cat("duplicate unit id '", u.id, "' (already in the graph)"));
      }
      auto [it, inserted] = new_units_.emplace(u.id, n0_ + static_cast<UnitIndex>(i));
      if (!inserted) {
        return fail(absl::StatusCode::kAlreadyExists, source_, u.where, "id",
                    internal::cat("duplicate unit id '", u.id, "' (also ", b_.units[it->second - n0_].where, ")"));
      }
    }
    parent_.assign(n, kNoUnit);
    // References, roots and levels first: consistent levels rule out cycles in the tree.
    for (std::size_t i = 0; i < n; ++i) {
      const UnitRec& u = b_.units[i];
      auto natural = tree_level_of(u.kind);
      if (!u.parent) {
        if (u.kind != UnitKind::kDistrictCommittee || u.level != 0) {
          return fail(absl::StatusCode::kInvalidArgument, source_, u.where, "parent",
                      internal::cat("missing; only a level 0 district_committee may have no parent, and unit ", u.id,
                                   " is level ", u.level, " (", to_string(u.kind), ")"));
        }
        continue;
      }
      auto p = unit(*u.parent);
      if (!p) {
        return fail(absl::StatusCode::kNotFound, source_, u.where, "parent",
                    internal::cat("unit ", u.id, ": unknown parent '", *u.parent, "'"));
      }
      if (*p == n0_ + i) {
        return fail(absl::StatusCode::kInvalidArgument, source_, u.where, "parent",
                    internal::cat("unit ", u.id, " cannot be its own parent"));
      }
      parent_[i] = *p;
      if (natural && *natural != u.level) {
        return fail(absl::StatusCode::kInvalidArgument, source_, u.where, "level",
                    internal::cat("unit ", u.id, ": kind ", to_string(u.kind), " belongs at level ", *natural,
                                 ", not level ", u.level));
      }
    }
    // Effective schemas: explicit, else the parent's; a file's own schema overrides
    // where new units hang from existing ones.
    out.schema.assign(n, im_.default_schema);
    out.schema_explicit.assign(n, 0);
    std::vector<std::uint8_t> done(n, 0);
    const AreaSchema base = (im_.units() == 0 && !im_.default_schema_set)
                                ? b_.schema.value_or(AreaSchema::kUrbanGrid)
                                : im_.default_schema;
    auto schema_of = [&](auto&& self, std::size_t i, int guard) -> AreaSchema {
      if (done[i]) return out.schema[i];
      const UnitRec& u = b_.units[i];
      AreaSchema s = base;
      bool explicit_schema = false;
      if (u.schema) {
        s = *u.schema;
        explicit_schema = true;
      } else if (parent_[i] == kNoUnit) {
        s = b_.schema.value_or(base);
        explicit_schema = s != base;
      } else if (parent_[i] < n0_) {
        s = im_.schema[parent_[i]];
        if (b_.schema && *b_.schema != s) {
          s = *b_.schema;
          explicit_schema = true;
        }
      } else if (guard < 64) {
        s = self(self, parent_[i] - n0_, guard + 1);
      }
      out.schema[i] = s;
      out.schema_explicit[i] = explicit_schema;
      done[i] = 1;
      return s;
    };
    for (std::size_t i = 0; i < n; ++i) schema_of(schema_of, i, 0);
    // Placement: level = parent's + 1 and the schema allows the pair.
    for (std::size_t i = 0; i < n; ++i) {
      const UnitRec& u = b_.units[i];
      if (parent_[i] == kNoUnit) continue;
      UnitIndex p = parent_[i];
      if (u.level != level(p) + 1 || !may_sit_under(out.schema[i], kind(p), u.kind)) {
        return fail(absl::StatusCode::kInvalidArgument, source_, u.where, "parent",
                    internal::cat("unit ", u.id, ": level ", u.level, " (", to_string(u.kind), ") cannot sit under ",
                                 describe(p), " ", id(p), " in schema ", to_string(out.schema[i])));
      }
    }
    out.parent = parent_;
    return absl::OkStatus();
  }

  absl::Status resolve(std::string_view where, std::string_view field, std::string_view ref, UnitIndex& out) const {
    auto u = unit(ref);
    if (!u) return fail(absl::StatusCode::kNotFound, source_, where, field, internal::cat("unknown unit '", ref, "'"));
    out = *u;
    return absl::OkStatus();
  }

  absl::Status links(Resolved& out) {
    absl::flat_hash_set<std::tuple<UnitIndex, UnitIndex, LinkType>> seen;
    for (const Link& l : im_.links) seen.insert({l.from, l.to, l.type});
    for (const LinkRec& r : b_.links) {
      Link l;
      l.type = r.type;
      l.tripartite = r.tripartite;
      JICENG_RETURN_IF_ERROR(resolve(r.where, "from", r.from, l.from));
      JICENG_RETURN_IF_ERROR(resolve(r.where, "to", r.to, l.to));
      if (l.from == l.to) {
        return fail(absl::StatusCode::kInvalidArgument, source_, r.where, "to",
                    internal::cat("a ", to_string(r.type), " link from unit ", r.from, " to itself"));
      }
      if (!link_allowed(r.type, kind(l.from), kind(l.to))) {
        return fail(absl::StatusCode::kInvalidArgument, source_, r.where, "type",
                    internal::cat("link ", r.from, " (", to_string(kind(l.from)), ") -> ", r.to, " (",
                                 to_string(kind(l.to)), ") is not allowed: ", link_rule_text(r.type)));
      }
      if (!seen.insert({l.from, l.to, l.type}).second) {
        return fail(absl::StatusCode::kAlreadyExists, source_, r.where, "to",
                    internal::cat("duplicate ", to_string(r.type), " link ", r.from, " -> ", r.to));
      }
      out.links.push_back(l);
    }
    return cycle_check(out);
  }

  /// Cross links must not form a cycle (e.g. two joint committees each listing the
  /// other). Depth-first search over the cross-link graph; a back edge closes a cycle.
  absl::Status cycle_check(const Resolved& out) const {
    if (out.links.empty()) return absl::OkStatus();
    using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_index_t, std::size_t>>;
    absl::flat_hash_map<UnitIndex, std::size_t> vertex;
    std::vector<UnitIndex> unit_of;
    auto v = [&](UnitIndex u) {
      auto [it, inserted] = vertex.emplace(u, unit_of.size());
      if (inserted) unit_of.push_back(u);
      return it->second;
    };
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    for (const Link& l : im_.links) edges.emplace_back(v(l.from), v(l.to));
    for (const Link& l : out.links) edges.emplace_back(v(l.from), v(l.to));
    G g(unit_of.size());
    for (std::size_t e = 0; e < edges.size(); ++e) boost::add_edge(edges[e].first, edges[e].second, e, g);

    struct Found {};
    struct Visitor : boost::default_dfs_visitor {
      std::vector<std::size_t>* pred_edge;
      std::size_t* back;
      void tree_edge(G::edge_descriptor e, const G& gr) {
        (*pred_edge)[boost::target(e, gr)] = boost::get(boost::edge_index, gr, e);
      }
      void back_edge(G::edge_descriptor e, const G& gr) {
        *back = boost::get(boost::edge_index, gr, e);
        throw Found{};
      }
    };
    std::vector<std::size_t> pred_edge(unit_of.size(), SIZE_MAX);
    std::size_t back = SIZE_MAX;
    Visitor vis;
    vis.pred_edge = &pred_edge;
    vis.back = &back;
    try {
      boost::depth_first_search(g, boost::visitor(vis));
    } catch (const Found&) {
    }
    if (back == SIZE_MAX) return absl::OkStatus();
    // Walk the tree edges back from the back edge's source to its target: the cycle.
    std::vector<std::size_t> cycle{back};
    std::size_t target = edges[back].second;
    for (std::size_t at = edges[back].first; at != target;) {
      std::size_t e = pred_edge[at];
      cycle.push_back(e);
      at = edges[e].first;
    }
    std::reverse(cycle.begin(), cycle.end());
    std::vector<std::string> path;
    path.emplace_back(id(unit_of[edges[cycle.front()].first]));
    for (std::size_t e : cycle) path.emplace_back(id(unit_of[edges[e].second]));
    // Name a link of this load (the graph before it was acyclic).
    const std::size_t first_new = im_.links.size();
    std::size_t blame = *std::max_element(cycle.begin(), cycle.end());
    for (std::size_t e : cycle) {
      if (e >= first_new) {
        blame = std::min(blame, e);
      }
    }
    const LinkRec& r = b_.links[blame - first_new];
    return fail(absl::StatusCode::kInvalidArgument, source_, r.where, "to",
                internal::cat(to_string(r.type), " link ", r.from, " -> ", r.to, " closes a cycle of cross links: ",
                             absl::StrJoin(path, " -> ")));
  }

  absl::Status members(Resolved& out) {
    absl::flat_hash_map<std::string_view, std::size_t> ids;
    for (std::size_t i = 0; i < b_.members.size(); ++i) {
      const MemberRec& m = b_.members[i];
      if (im_.member_by_id.contains(m.id)) {
        return fail(absl::StatusCode::kAlreadyExists, source_, m.where, "id",
                    internal::cat("duplicate member id '", m.id, "' (already in the graph)"));
      }
      if (auto [it, inserted] = ids.emplace(m.id, i); !inserted) {
        return fail(absl::StatusCode::kAlreadyExists, source_, m.where, "id",
                    internal::cat("duplicate member id '", m.id, "' (also ", b_.members[it->second].where, ")"));
      }
      UnitIndex org = kNoUnit, res = kNoUnit;
      if (m.org) {
        JICENG_RETURN_IF_ERROR(resolve(m.where, "org_unit", *m.org, org));
        if (!can_hold_relations(kind(org))) {
          return fail(absl::StatusCode::kInvalidArgument, source_, m.where, "org_unit",
                      internal::cat("unit ", *m.org, " (", to_string(kind(org)), ") cannot hold organizational relations"));
        }
      }
      if (m.residence) JICENG_RETURN_IF_ERROR(resolve(m.where, "residence_unit", *m.residence, res));
      std::vector<MemberTransfer> history;
      for (std::size_t t = 0; t < m.transfers.size(); ++t) {
        const TransferRec& tr = m.transfers[t];
        MemberTransfer x;
        std::string field = internal::cat("transfers[", t, "]");
        JICENG_RETURN_IF_ERROR(resolve(m.where, field + ".from", tr.from, x.from));
        JICENG_RETURN_IF_ERROR(resolve(m.where, field + ".to", tr.to, x.to));
        x.date = tr.date;
        if (!history.empty() && history.back().to != x.from) {
          return fail(absl::StatusCode::kInvalidArgument, source_, m.where, field + ".from",
                      internal::cat("the relation left ", tr.from, " but the previous transfer moved it to ",
                                   id(history.back().to)));
        }
        if (!history.empty() && x.date < history.back().date) {
          return fail(absl::StatusCode::kInvalidArgument, source_, m.where, field + ".date",
                      "transfers must be in date order");
        }
        history.push_back(x);
      }
      if (!history.empty() && history.back().to != org) {
        return fail(absl::StatusCode::kInvalidArgument, source_, m.where, "org_unit",
                    internal::cat("the last transfer moved the relation to ", id(history.back().to), ", not ",
                                 m.org.value_or("(none)")));
      }
      out.member_units.emplace_back(org, res);
      out.transfers.push_back(std::move(history));
    }
    new_members_ = std::move(ids);
    return absl::OkStatus();
  }

  absl::Status posts(Resolved& out) {
    absl::flat_hash_set<std::tuple<MemberIndex, UnitIndex, PostRole, std::int64_t>> seen;
    for (const Post& p : im_.posts) seen.insert({p.member, p.unit, p.role, p.start.time_since_epoch().count()});
    const MemberIndex m0 = static_cast<MemberIndex>(im_.member_id.size());
    for (const PostRec& r : b_.posts) {
      Post p;
      if (auto it = im_.member_by_id.find(r.member); it != im_.member_by_id.end()) {
        p.member = it->second;
      } else if (auto jt = new_members_.find(r.member); jt != new_members_.end()) {
        p.member = m0 + static_cast<MemberIndex>(jt->second);
      } else {
        return fail(absl::StatusCode::kNotFound, source_, r.where, "member", internal::cat("unknown member '", r.member, "'"));
      }
      JICENG_RETURN_IF_ERROR(resolve(r.where, "unit", r.unit, p.unit));
      if (!role_allowed_at(r.role, kind(p.unit))) {
        return fail(absl::StatusCode::kInvalidArgument, source_, r.where, "role",
                    internal::cat("a ", to_string(r.role), " post cannot be held at unit ", r.unit, " (",
                                 to_string(kind(p.unit)), ")"));
      }
      p.role = r.role;
      p.start = r.start;
      p.end = r.end;
      if (!seen.insert({p.member, p.unit, p.role, p.start.time_since_epoch().count()}).second) {
        return fail(absl::StatusCode::kAlreadyExists, source_, r.where, "start",
                    internal::cat("duplicate post: member ", r.member, " as ", to_string(r.role), " at ", r.unit,
                                 " from ", format_iso_day(r.start)));
      }
      out.posts.push_back(p);
    }
    return absl::OkStatus();
  }

  absl::Status households(Resolved& out) {
    absl::flat_hash_map<std::string_view, std::size_t> ids;
    for (std::size_t i = 0; i < b_.households.size(); ++i) {
      const HouseholdRec& h = b_.households[i];
      if (im_.household_by_id.contains(h.id)) {
        return fail(absl::StatusCode::kAlreadyExists, source_, h.where, "id",
                    internal::cat("duplicate household id '", h.id, "' (already in the graph)"));
      }
      if (auto [it, inserted] = ids.emplace(h.id, i); !inserted) {
        return fail(absl::StatusCode::kAlreadyExists, source_, h.where, "id",
                    internal::cat("duplicate household id '", h.id, "' (also ", b_.households[it->second].where, ")"));
      }
      UnitIndex building = kNoUnit, central = kNoUnit;
      JICENG_RETURN_IF_ERROR(resolve(h.where, "building", h.building, building));
      if (kind(building) != UnitKind::kBuildingGroup && kind(building) != UnitKind::kVillagerGroup) {
        return fail(absl::StatusCode::kInvalidArgument, source_, h.where, "building",
                    internal::cat("unit ", h.building, " is ", describe(building),
                                 "; a household links to a building_group or villager_group"));
      }
      if (h.central) {
        JICENG_RETURN_IF_ERROR(resolve(h.where, "central_household", *h.central, central));
        if (kind(central) != UnitKind::kCentralHousehold) {
          return fail(absl::StatusCode::kInvalidArgument, source_, h.where, "central_household",
                      internal::cat("unit ", *h.central, " is ", describe(central), ", not a central_household"));
        }
        if (ancestor_at(central, 3) != ancestor_at(building, 3)) {
          return fail(absl::StatusCode::kInvalidArgument, source_, h.where, "central_household",
                      internal::cat("central household ", *h.central, " is not in the same grid/compound/village as building ",
                                   h.building));
        }
      }
      out.households.emplace_back(building, central);
    }
    return absl::OkStatus();
  }

  const OrgGraph::Impl& im_;
  const Batch& b_;
  std::string_view source_;
  UnitIndex n0_;
  absl::flat_hash_map<std::string_view, UnitIndex> new_units_;
  absl::flat_hash_map<std::string_view, std::size_t> new_members_;
  std::vector<UnitIndex> parent_;
};

void apply(OrgGraph::Impl& im, Batch& b, Resolved& r) {
  if (!im.default_schema_set && im.units() == 0) {
    im.default_schema = b.schema.value_or(AreaSchema::kUrbanGrid);
  }
  if (!b.units.empty()) im.default_schema_set = true;
  const UnitIndex n0 = static_cast<UnitIndex>(im.units());
  const std::size_t n = n0 + b.units.size();
  im.parent.reserve(n);
  im.level.reserve(n);
  im.kind.reserve(n);
  im.schema.reserve(n);
  im.schema_explicit.reserve(n);
  im.compound.reserve(n);
  im.unit_id.reserve(n);
  im.unit_name.reserve(n);
  im.unit_by_id.reserve(n);
  for (std::size_t i = 0; i < b.units.size(); ++i) {
    UnitRec& u = b.units[i];
    im.parent.push_back(r.parent[i]);
    im.level.push_back(static_cast<std::uint8_t>(u.level));
    im.kind.push_back(u.kind);
    im.schema.push_back(r.schema[i]);
    im.schema_explicit.push_back(r.schema_explicit[i]);
    std::uint32_t label = OrgGraph::Impl::kNoLabel;
    if (u.compound) {
      auto [it, inserted] = im.compound_label_index.emplace(*u.compound, im.compound_labels.size());
      if (inserted) im.compound_labels.push_back(*u.compound);
      label = it->second;
    }
    im.compound.push_back(label);
    im.unit_id.push_back(im.text.add(u.id));
    im.unit_name.push_back(im.text.add(u.name));
    im.unit_by_id.emplace(std::move(u.id), n0 + static_cast<UnitIndex>(i));
  }
  im.links.insert(im.links.end(), r.links.begin(), r.links.end());
  const MemberIndex m0 = static_cast<MemberIndex>(im.member_id.size());
  for (std::size_t i = 0; i < b.members.size(); ++i) {
    MemberRec& m = b.members[i];
    im.member_id.push_back(im.text.add(m.id));
    im.member_name.push_back(im.text.add(m.name));
    im.member_party.push_back(m.party);
    im.member_org.push_back(r.member_units[i].first);
    im.member_residence.push_back(r.member_units[i].second);
    im.member_transfers.push_back(std::move(r.transfers[i]));
    im.member_by_id.emplace(std::move(m.id), m0 + static_cast<MemberIndex>(i));
  }
  im.posts.insert(im.posts.end(), r.posts.begin(), r.posts.end());
  for (std::size_t i = 0; i < b.households.size(); ++i) {
    Household h;
    h.id = im.text.add(b.households[i].id);
    h.building = r.households[i].first;
    h.central = r.households[i].second;
    im.household_by_id.emplace(b.households[i].id, static_cast<std::uint32_t>(im.households.size()));
    im.households.push_back(h);
  }
  im.rebuild();
}

}  // namespace

absl::Status OrgGraph::load_json(std::string_view text, std::string_view source_name) {
  // apply() grows the unit arrays; re-point tree_arrays() on every way out.
  struct Sync {
    OrgGraph* g;
    ~Sync() { g->sync_tree_arrays(); }
  } sync{this};
  try {
    Batch batch;
    if (looks_like_json_lines(text)) {
      JICENG_RETURN_IF_ERROR(read_lines(text, source_name, batch));
    } else {
      JICENG_RETURN_IF_ERROR(read_document(text, source_name, batch));
    }
    Resolved resolved;
    JICENG_RETURN_IF_ERROR(Validator(*impl_, batch, source_name).run(resolved));
    apply(*impl_, batch, resolved);
    return absl::OkStatus();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(internal::cat(source_name, ": out of memory while loading"));
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat(source_name, ": ", e.what()));
  }
}

absl::Status OrgGraph::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(internal::cat(path, ": cannot open file"));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError(internal::cat(path, ": read error"));
  return load_json(ss.str(), path);
}

}  // namespace jiceng
