// capi/org.cpp — the organization graph (党组织体系) through the C ABI.
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <boost/json.hpp>

#include "capi/internal.hpp"
#include "jiceng/org.hpp"
#include "jiceng/org_generator.hpp"

namespace jc {

const std::vector<std::string>& unit_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int i = 0; i < jiceng::kUnitKindCount; ++i) v.emplace_back(jiceng::to_string(static_cast<jiceng::UnitKind>(i)));
    return v;
  }();
  return names;
}

/// Reads a whole file; NOT_FOUND naming it when it cannot be opened.
jc_status read_file(std::string* out, std::string_view path, const char* fn) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return fail(JC_NOT_FOUND, jc::cat(fn, ": cannot open \"", path, "\""));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(JC_UNAVAILABLE, jc::cat(fn, ": error reading \"", path, "\""));
  *out = std::move(ss).str();
  return JC_OK;
}

}  // namespace jc

namespace {

using jiceng::OrgGraph;

jc_status need_org(const jc_org* o, const char* fn) {
  if (o == nullptr || o->graph == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": org is NULL");
  return JC_OK;
}

jc_status need_owned(const jc_org* o, const char* fn) {
  JC_CHECK(need_org(o, fn));
  if (o->owned == nullptr)
    return jc::fail(JC_FAILED_PRECONDITION, std::string(fn) +
                                                ": this org handle is borrowed from an engine and is read-only; "
                                                "use jc_engine_load_org");
  return JC_OK;
}

/// Why a unit-index call was refused (cold path): NULL org or an index out of range.
[[gnu::cold, gnu::noinline]] jc_status unit_range_error(const char* fn, const jc_org* o, std::uint32_t a,
                                                         std::uint32_t b) noexcept {
  if (o == nullptr || o->graph == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "org is NULL");
  const std::uint32_t bad = a >= o->units ? a : b;
  try {
    return jc::fail(JC_NOT_FOUND, jc::cat(fn, ": unit index ", bad, " is out of range (", o->units, " units)"));
  } catch (...) {
    return jc::fail_nothrow(JC_NOT_FOUND, fn, "unit index out of range");
  }
}

/// Why a unit-index call with an out parameter was refused (cold path): NULL out first.
/// The parameters come in the hot functions' order (out, org, unit...) and the name
/// last, so the hot path needs no register moves to reach it.
[[gnu::cold, gnu::noinline]] jc_status unit_error(const void* out, const jc_org* o, std::uint32_t a, std::uint32_t b,
                                                   const char* fn) noexcept {
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "out is NULL");
  return unit_range_error(fn, o, a, b);
}

/// A usable handle and a unit index in range: one compare against the cached count.
inline bool unit_ok(const jc_org* o, std::uint32_t u) { return o != nullptr && u < o->units; }

jc_status need_unit(const jc_org* o, std::uint32_t u, const char* fn) {
  if (unit_ok(o, u)) [[likely]]
    return JC_OK;
  return unit_range_error(fn, o, u, u);
}

/// Re-reads the unit count after a call that may have changed the graph.
void refresh(jc_org* o) { o->units = static_cast<std::uint32_t>(o->graph->unit_count()); }

jc_status find_unit(std::uint32_t* out, const jc_org* o, const char* id, const char* fn) {
  std::string_view v;
  JC_CHECK(jc::text(&v, id, fn, "unit id"));
  auto u = o->graph->find(v);
  if (!u) return jc::fail(JC_NOT_FOUND, jc::cat(fn, ": unit \"", v, "\" not found"));
  *out = *u;
  return JC_OK;
}

/// A real calendar day as the org graph's date type (std::chrono::sys_days).
bool to_sys_days(jc_date d, std::chrono::sys_days* out) {
  const std::chrono::year_month_day ymd{std::chrono::year(d.year), std::chrono::month(static_cast<unsigned>(d.month)),
                                        std::chrono::day(static_cast<unsigned>(d.day))};
  if (d.year < 1 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || !ymd.ok()) return false;
  *out = std::chrono::sys_days(ymd);
  return true;
}

jc_status write_units(std::uint32_t* buf, std::size_t capacity, std::size_t* out_count,
                      std::span<const jiceng::UnitIndex> units, const char* fn) {
  bool write = false;
  JC_CHECK(jc::check_array(buf, capacity, out_count, units.size(), fn, &write));
  if (write)
    for (std::size_t i = 0; i < units.size(); ++i) buf[i] = units[i];
  return JC_OK;
}

/// jc_org_ancestors beyond the fast path: size queries and small buffers.
[[gnu::noinline]] jc_status ancestors_slow(uint32_t* buf, size_t capacity, size_t* out_count, const jc_org* org,
                                           uint32_t unit) noexcept {
  JC_GUARD("jc_org_ancestors") {
    if (buf == nullptr && capacity != 0)
      return jc::fail(JC_INVALID_ARGUMENT, "jc_org_ancestors: buf is NULL but capacity is not 0");
    const std::size_t needed = static_cast<std::size_t>(org->graph->level(unit)) + 1;
    if (buf != nullptr && capacity >= needed) {
      const std::size_t n = org->graph->chain_of_command(unit, std::span<jiceng::UnitIndex>(buf, capacity));
      if (out_count != nullptr) *out_count = n;
      return JC_OK;
    }
    return write_units(buf, capacity, out_count, org->graph->chain_of_command(unit), "jc_org_ancestors");
  });
}

/// Why jc_org_ancestor_at_level refused (cold path): a NULL out, a bad handle or unit, a
/// level outside 0..5, or no ancestor at that level. Its parameters are the hot function's,
/// in the same order, so the hot path reaches it without moving a register.
[[gnu::cold, gnu::noinline]] jc_status ancestor_at_level_error(const void* out, const jc_org* org, uint32_t unit,
                                                                int level) noexcept {
  if (out == nullptr || !unit_ok(org, unit)) return unit_error(out, org, unit, unit, "jc_org_ancestor_at_level");
  JC_GUARD("jc_org_ancestor_at_level") {
    if (level < 0 || level >= jiceng::kLevelCount)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_ancestor_at_level: level ", level, " is not in 0..5"));
    return jc::fail(JC_NOT_FOUND, jc::cat("jc_org_ancestor_at_level: unit ", org->graph->id(unit),
                                          " has no ancestor at level ", level));
  });
}

/// jc_org_export_json and its raw form: member names masked unless `raw`.
jc_status export_json(char** out, const jc_org* org, bool raw, const char* fn) {
  JC_GUARD(fn) {
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_org(org, fn));
    return jc::out_string(out, org->graph->export_json({.raw = raw}), fn);
  });
}

}  // namespace

extern "C" {

jc_status jc_org_new(jc_org** out) {
  JC_GUARD("jc_org_new") {
    JC_CHECK(jc::need(out, "jc_org_new", "out"));
    auto g = std::make_unique<OrgGraph>();
    auto* h = new jc_org;
    h->owned = g.release();
    h->graph = h->owned;
    *out = h;
    return JC_OK;
  });
}

void jc_org_free(jc_org* org) {
  if (org == nullptr || org->owned == nullptr) return;  // borrowed handles belong to their engine
  delete org->owned;
  delete org;
}

jc_status jc_org_load_json(jc_org* org, const char* text, size_t len, const char* source_name) {
  JC_GUARD("jc_org_load_json") {
    JC_CHECK(need_owned(org, "jc_org_load_json"));
    std::string_view t, s;
    JC_CHECK(jc::text(&t, text, len, "jc_org_load_json", "text"));
    JC_CHECK(jc::text(&s, source_name, "jc_org_load_json", "source_name", true));
    const absl::Status st = org->owned->load_json(t, s.empty() ? "org.json" : s);
    refresh(org);
    return jc::from_status(st, "jc_org_load_json");
  });
}

jc_status jc_org_load_file(jc_org* org, const char* path) {
  JC_GUARD("jc_org_load_file") {
    JC_CHECK(need_owned(org, "jc_org_load_file"));
    std::string_view p;
    JC_CHECK(jc::text(&p, path, "jc_org_load_file", "path"));
    std::string data;
    JC_CHECK(jc::read_file(&data, p, "jc_org_load_file"));
    const absl::Status st = org->owned->load_json(data, p);
    refresh(org);
    return jc::from_status(st, "jc_org_load_file");
  });
}

jc_status jc_org_load_sample(jc_org* org) {
  JC_GUARD("jc_org_load_sample") {
    JC_CHECK(need_owned(org, "jc_org_load_sample"));
    const absl::Status st = org->owned->load_json(jiceng::sample_district_json(), "sample-district.json");
    refresh(org);
    return jc::from_status(st, "jc_org_load_sample");
  });
}

jc_status jc_city_options_init(jc_city_options* opts, unsigned int version) {
  JC_GUARD("jc_city_options_init") {
    JC_CHECK(jc::need(opts, "jc_city_options_init", "opts"));
    if (version != JC_CITY_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_city_options_init: unknown version ", version));
    *opts = jc_city_options JC_CITY_OPTIONS_INIT;
    return JC_OK;
  });
}

jc_status jc_org_generate_json(char** out, const jc_city_options* opts) {
  JC_GUARD("jc_org_generate_json") {
    JC_CHECK(jc::need(out, "jc_org_generate_json", "out"));
    JC_CHECK(jc::need(opts, "jc_org_generate_json", "opts"));
    if (opts->version != JC_CITY_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_generate_json: unknown options version ", opts->version));
    if (opts->units == 0 || opts->units > 100000000u)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_generate_json: units ", opts->units,
                                                        " must be in 1..100000000"));
    jiceng::CityGenSpec spec;
    spec.units = static_cast<std::size_t>(opts->units);
    spec.seed = opts->seed;
    spec.members = opts->members != 0;
    auto j = jiceng::generate_city_json(spec);
    if (!j.ok()) return jc::from_status(j.status(), "jc_org_generate_json");
    return jc::out_string(out, *j, "jc_org_generate_json");
  });
}

jc_status jc_org_export_json(char** out, const jc_org* org) { return export_json(out, org, false, "jc_org_export_json"); }

jc_status jc_org_export_json_raw(char** out, const jc_org* org) {
  return export_json(out, org, true, "jc_org_export_json_raw");
}

jc_status jc_org_export_dot(char** out, const jc_org* org, const char* root, int depth) {
  JC_GUARD("jc_org_export_dot") {
    JC_CHECK(jc::need(out, "jc_org_export_dot", "out"));
    JC_CHECK(need_org(org, "jc_org_export_dot"));
    std::uint32_t u = 0;
    JC_CHECK(find_unit(&u, org, root, "jc_org_export_dot"));
    return jc::out_string(out, org->graph->export_dot(u, depth), "jc_org_export_dot");
  });
}

jc_status jc_org_unit_count(size_t* out, const jc_org* org) {
  JC_GUARD("jc_org_unit_count") {
    JC_CHECK(jc::need(out, "jc_org_unit_count", "out"));
    JC_CHECK(need_org(org, "jc_org_unit_count"));
    *out = org->graph->unit_count();
    return JC_OK;
  });
}

jc_status jc_org_find(uint32_t* out, const jc_org* org, const char* id) {
  JC_GUARD("jc_org_find") {
    JC_CHECK(jc::need(out, "jc_org_find", "out"));
    JC_CHECK(need_org(org, "jc_org_find"));
    return find_unit(out, org, id, "jc_org_find");
  });
}

jc_status jc_org_unit_id(char* buf, size_t size, size_t* out_len, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_unit_id") {
    JC_CHECK(need_unit(org, unit, "jc_org_unit_id"));
    return jc::out_buffer(buf, size, out_len, org->graph->id(unit), "jc_org_unit_id");
  });
}

jc_status jc_org_unit_name(char* buf, size_t size, size_t* out_len, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_unit_name") {
    JC_CHECK(need_unit(org, unit, "jc_org_unit_name"));
    return jc::out_buffer(buf, size, out_len, org->graph->name(unit), "jc_org_unit_name");
  });
}

jc_status jc_org_level(int* out, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_level") {
    JC_CHECK(jc::need(out, "jc_org_level", "out"));
    JC_CHECK(need_unit(org, unit, "jc_org_level"));
    *out = org->graph->level(unit);
    return JC_OK;
  });
}

jc_status jc_org_parent(uint32_t* out, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_parent") {
    JC_CHECK(jc::need(out, "jc_org_parent", "out"));
    JC_CHECK(need_unit(org, unit, "jc_org_parent"));
    *out = org->graph->parent(unit);
    return JC_OK;
  });
}

jc_status jc_org_unit_json(char** out, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_unit_json") {
    JC_CHECK(jc::need(out, "jc_org_unit_json", "out"));
    JC_CHECK(need_unit(org, unit, "jc_org_unit_json"));
    const OrgGraph& g = *org->graph;
    boost::json::object o;
    o["index"] = unit;
    o["id"] = g.id(unit);
    o["name"] = g.name(unit);
    o["level"] = g.level(unit);
    o["kind"] = jiceng::to_string(g.kind(unit));
    o["schema"] = jiceng::to_string(g.schema(unit));
    o["compound"] = g.compound(unit);
    const auto p = g.parent(unit);
    if (p == jiceng::kNoUnit) o["parent"] = nullptr; else o["parent"] = g.id(p);
    boost::json::array kids;
    for (auto c : g.children(unit)) kids.emplace_back(g.id(c));
    o["children"] = std::move(kids);
    o["subtree_size"] = g.subtree_size(unit);
    o["members"] = g.member_count(unit);
    o["party_members"] = g.party_member_count(unit);
    o["subtree_members"] = g.subtree_member_count(unit);
    o["subtree_party_members"] = g.subtree_party_member_count(unit);
    return jc::out_string(out, boost::json::serialize(o), "jc_org_unit_json");
  });
}

jc_status jc_org_units_json(char** out, const jc_org* org, int level, const char* kind) {
  constexpr const char* fn = "jc_org_units_json";
  JC_GUARD(fn) {
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_org(org, fn));
    if (level < -1 || level >= jiceng::kLevelCount)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": level ", level, " is not in -1..", jiceng::kLevelCount - 1));
    std::optional<jiceng::UnitKind> want;
    if (kind != nullptr) {
      std::string_view k;
      JC_CHECK(jc::text(&k, kind, fn, "kind"));
      want = jiceng::parse_unit_kind(k);
      if (!want) return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": \"", k, "\" is not a unit kind"));
    }
    const OrgGraph& g = *org->graph;
    boost::json::array ids;
    for (std::uint32_t u = 0; u < g.unit_count(); ++u) {
      if (level >= 0 && g.level(u) != level) continue;
      if (want && g.kind(u) != *want) continue;
      ids.emplace_back(g.id(u));
    }
    return jc::out_string(out, boost::json::serialize(ids), fn);
  });
}

// The hot queries: inline checks against the cached unit count, the message built only
// on the cold paths, the graph's arrays read in place through OrgGraph::tree_arrays()
// (inline, one load from the graph), which cannot throw.

JC_HOT jc_status jc_org_ancestors(uint32_t* buf, size_t capacity, size_t* out_count, const jc_org* org,
                                  uint32_t unit) {
  if (!unit_ok(org, unit)) [[unlikely]]
    return unit_range_error("jc_org_ancestors", org, unit, unit);
  if (buf != nullptr && capacity >= jiceng::kLevelCount) [[likely]] {  // any chain fits: no allocation
    const std::size_t n =
        org->graph->tree_arrays().chain_of_command(unit, std::span<jiceng::UnitIndex>(buf, capacity));
    if (out_count != nullptr) *out_count = n;
    return JC_OK;
  }
  return ancestors_slow(buf, capacity, out_count, org, unit);
}

jc_status jc_org_children(uint32_t* buf, size_t capacity, size_t* out_count, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_children") {
    JC_CHECK(need_unit(org, unit, "jc_org_children"));
    return write_units(buf, capacity, out_count, org->graph->children(unit), "jc_org_children");
  });
}

JC_HOT jc_status jc_org_ancestor_at_level(uint32_t* out, const jc_org* org, uint32_t unit, int level) {
  if (out != nullptr && unit_ok(org, unit)) [[likely]] {
    const jiceng::OrgGraph::TreeArrays& t = org->graph->tree_arrays();
    // A level in 0..level(unit) always has an ancestor (levels are depths), so this one
    // unsigned compare (a negative level wraps high) is the whole not-found test.
    if (static_cast<unsigned>(level) <= static_cast<unsigned>(t.level(unit))) [[likely]] {
      *out = t.ancestor_at_level(unit, level);
      return JC_OK;
    }
  }
  return ancestor_at_level_error(out, org, unit, level);  // same arguments: no register moves
}

JC_HOT jc_status jc_org_is_ancestor(int* out, const jc_org* org, uint32_t ancestor, uint32_t unit) {
  // Two compares rather than one against max(ancestor, unit): each fuses with its branch.
  if (out == nullptr || org == nullptr) [[unlikely]]
    return unit_error(out, org, ancestor, unit, "jc_org_is_ancestor");
  if (ancestor >= org->units) [[unlikely]]
    return unit_error(out, org, ancestor, unit, "jc_org_is_ancestor");
  if (unit >= org->units) [[unlikely]]
    return unit_error(out, org, ancestor, unit, "jc_org_is_ancestor");
  *out = org->graph->tree_arrays().is_ancestor_or_self(ancestor, unit) ? 1 : 0;
  return JC_OK;
}

jc_status jc_org_lca(uint32_t* out, const jc_org* org, uint32_t a, uint32_t b) {
  JC_GUARD("jc_org_lca") {
    JC_CHECK(jc::need(out, "jc_org_lca", "out"));
    JC_CHECK(need_unit(org, a, "jc_org_lca"));
    JC_CHECK(need_unit(org, b, "jc_org_lca"));
    *out = org->graph->lowest_common_ancestor(a, b);
    return JC_OK;
  });
}

jc_status jc_org_subtree_size(size_t* out, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_subtree_size") {
    JC_CHECK(jc::need(out, "jc_org_subtree_size", "out"));
    JC_CHECK(need_unit(org, unit, "jc_org_subtree_size"));
    *out = org->graph->subtree_size(unit);
    return JC_OK;
  });
}

jc_status jc_org_subtree_members(size_t* members, size_t* party_members, const jc_org* org, uint32_t unit) {
  JC_GUARD("jc_org_subtree_members") {
    JC_CHECK(need_unit(org, unit, "jc_org_subtree_members"));
    if (members != nullptr) *members = org->graph->subtree_member_count(unit);
    if (party_members != nullptr) *party_members = org->graph->subtree_party_member_count(unit);
    return JC_OK;
  });
}

jc_status jc_org_responsible_units(uint32_t out[6], const jc_org* org, const char* household) {
  JC_GUARD("jc_org_responsible_units") {
    JC_CHECK(jc::need(out, "jc_org_responsible_units", "out"));
    JC_CHECK(need_org(org, "jc_org_responsible_units"));
    std::string_view h;
    JC_CHECK(jc::text(&h, household, "jc_org_responsible_units", "household"));
    auto r = org->graph->responsible_units(h);
    if (!r) return jc::fail(JC_NOT_FOUND, jc::cat("jc_org_responsible_units: household \"", h, "\" not found"));
    for (int i = 0; i < jiceng::kLevelCount; ++i) out[i] = (*r)[static_cast<std::size_t>(i)];
    return JC_OK;
  });
}

jc_status jc_coverage_options_init(jc_coverage_options* opts, unsigned int version) {
  JC_GUARD("jc_coverage_options_init") {
    JC_CHECK(jc::need(opts, "jc_coverage_options_init", "opts"));
    if (version != JC_COVERAGE_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_coverage_options_init: unknown version ", version));
    *opts = jc_coverage_options JC_COVERAGE_OPTIONS_INIT;
    return JC_OK;
  });
}

jc_status jc_org_coverage_json(char** out, const jc_org* org, const jc_coverage_options* opts) {
  JC_GUARD("jc_org_coverage_json") {
    JC_CHECK(jc::need(out, "jc_org_coverage_json", "out"));
    JC_CHECK(need_org(org, "jc_org_coverage_json"));
    jiceng::CoverageOptions o;
    if (opts != nullptr) {
      if (opts->version != JC_COVERAGE_OPTIONS_VERSION)
        return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_coverage_json: unknown options version ", opts->version));
      if (opts->as_of != nullptr) {
        std::string_view d;
        JC_CHECK(jc::text(&d, opts->as_of, "jc_org_coverage_json", "as_of"));
        jc_date parsed{};
        if (jc_date_parse(&parsed, opts->as_of) != JC_OK)
          return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_coverage_json: as_of \"", d, "\" is not a YYYY-MM-DD date"));
        std::chrono::sys_days day;
        if (!to_sys_days(parsed, &day))
          return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_coverage_json: as_of \"", d, "\" is not a YYYY-MM-DD date"));
        o.as_of = day;
      }
      if (opts->compound_branch_threshold < 1)
        return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_coverage_json: compound_branch_threshold ",
                                                          opts->compound_branch_threshold, " must be >= 1"));
      o.compound_branch_threshold = opts->compound_branch_threshold;
    }
    const auto report = org->graph->coverage(o);
    return jc::out_string(out, org->graph->coverage_json(report), "jc_org_coverage_json");
  });
}

jc_status jc_org_transfer_member(jc_org* org, const char* member, const char* to_unit, jc_date date) {
  JC_GUARD("jc_org_transfer_member") {
    JC_CHECK(need_owned(org, "jc_org_transfer_member"));
    std::string_view m, u;
    JC_CHECK(jc::text(&m, member, "jc_org_transfer_member", "member"));
    JC_CHECK(jc::text(&u, to_unit, "jc_org_transfer_member", "to_unit"));
    std::chrono::sys_days d;
    if (!to_sys_days(date, &d))
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_org_transfer_member: date ", date.year, "-", date.month, "-",
                                                   date.day, " is not a real day"));
    return jc::from_status(org->owned->transfer_member(m, u, d), "jc_org_transfer_member");
  });
}

}  // extern "C"

namespace jc {
std::string_view sample_org_json() { return jiceng::sample_district_json(); }
}  // namespace jc
