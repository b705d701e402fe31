// Org CSV import (组织架构导入): a spreadsheet of units → the org JSON document, checked by
// loading it into a scratch graph; errors from that load are mapped back to the CSV line
// and column they come from.
#include "jiceng/org_csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "common/strings.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 6> kColumns = {"id", "name", "kind", "parent", "level", "schema"};
constexpr std::array<std::string_view, 4> kRequired = {"id", "name", "kind", "parent"};

struct Row {
  std::size_t line = 0;  // 1-based line of the row's start in the file
  std::vector<std::string> cells;
};

// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
absl::StatusOr<std::vector<Row>> parse_csv(std::string_view text, std::string_view source) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Row> rows;
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    Row row;
    row.line = line;
    std::string cell;
    bool done = false;
    while (!done) {
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        const std::size_t open_line = line, col = row.cells.size() + 1;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (text[i] == '\n') ++line;
          cell.push_back(text[i++]);
        }
        if (!closed) {
          return absl::InvalidArgumentError(internal::cat(source, ": line ", open_line, ", column ", col,
                                                          ": a quoted field is not closed"));
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return absl::InvalidArgumentError(internal::cat(source, ": line ", line, ", column ", col,
                                                          ": text after a quoted field's closing quote"));
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') cell.push_back(text[i++]);
      }
      row.cells.push_back(cell);
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      done = true;
    }
    const bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

absl::StatusOr<OrgCsvImport> org_json_from_csv(std::string_view csv, std::string_view source, AreaSchema schema) {
  try {
    JICENG_ASSIGN_OR_RETURN(std::vector<Row> rows, parse_csv(csv, source));
    if (rows.empty()) return absl::InvalidArgumentError(internal::cat(source, ": empty: expected a header row"));
    auto at = [&](std::size_t line, std::size_t col, std::string_view name) {
      return internal::cat(source, ": line ", line, ", column ", col + 1, " (", name, ")");
    };

    // The header: known column names, each once, the required ones present.
    const Row& header = rows.front();
    absl::flat_hash_map<std::string, std::size_t> col;
    for (std::size_t c = 0; c < header.cells.size(); ++c) {
      std::string name = header.cells[c];
      while (!name.empty() && name.back() == ' ') name.pop_back();
      while (!name.empty() && name.front() == ' ') name.erase(name.begin());
      if (std::find(kColumns.begin(), kColumns.end(), std::string_view(name)) == kColumns.end()) {
        return absl::InvalidArgumentError(internal::cat(source, ": line ", header.line, ", column ", c + 1,
                                                        ": unknown column '", name,
                                                        "' (columns: id, name, kind, parent, and optionally level, schema)"));
      }
      if (!col.emplace(name, c).second) {
        return absl::InvalidArgumentError(
            internal::cat(source, ": line ", header.line, ", column ", c + 1, ": column '", name, "' given twice"));
      }
    }
    for (std::string_view r : kRequired) {
      if (!col.contains(std::string(r))) {
        return absl::InvalidArgumentError(
            internal::cat(source, ": line ", header.line, ": no column '", r, "' (required: id, name, kind, parent)"));
      }
    }
    if (rows.size() == 1) return absl::InvalidArgumentError(internal::cat(source, ": no units below the header"));

    struct Unit {
      std::size_t line;
      std::string id, name, parent, schema;
      UnitKind kind;
      std::optional<int> level;  // as given
    };
    std::vector<Unit> units;
    absl::flat_hash_map<std::string, std::size_t> by_id;
    auto cell = [&](const Row& r, std::string_view name) -> std::string {
      auto it = col.find(std::string(name));
      if (it == col.end() || it->second >= r.cells.size()) return std::string();
      return r.cells[it->second];
    };
    for (std::size_t k = 1; k < rows.size(); ++k) {
      const Row& r = rows[k];
      if (r.cells.size() > header.cells.size()) {
        return absl::InvalidArgumentError(internal::cat(source, ": line ", r.line, ", column ", header.cells.size() + 1,
                                                        ": ", r.cells.size(), " cells, the header has ",
                                                        header.cells.size()));
      }
      Unit u;
      u.line = r.line;
      u.id = cell(r, "id");
      u.name = cell(r, "name");
      u.parent = cell(r, "parent");
      u.schema = cell(r, "schema");
      for (const char* c : {"id", "name", "parent", "schema"}) {
        const std::string v = cell(r, c);
        if (has_control(v)) {
          return absl::InvalidArgumentError(internal::cat(at(r.line, col.at(std::string(c)), c), ": a control character"));
        }
      }
      if (u.id.empty()) return absl::InvalidArgumentError(internal::cat(at(r.line, col.at("id"), "id"), ": empty"));
      if (u.name.empty()) return absl::InvalidArgumentError(internal::cat(at(r.line, col.at("name"), "name"), ": empty"));
      const std::string kind = cell(r, "kind");
      auto parsed = parse_unit_kind(kind);
      if (!parsed) {
        return absl::InvalidArgumentError(internal::cat(at(r.line, col.at("kind"), "kind"), ": unknown unit kind '", kind,
                                                        "' (docs/org.md lists the kinds)"));
      }
      u.kind = *parsed;
      if (const std::string lv = cell(r, "level"); !lv.empty()) {
        int v = -1;
        const auto [end, ec] = std::from_chars(lv.data(), lv.data() + lv.size(), v);
        if (ec != std::errc() || end != lv.data() + lv.size() || v < 0 || v >= kLevelCount) {
          return absl::InvalidArgumentError(
              internal::cat(at(r.line, col.at("level"), "level"), ": '", lv, "' is not a level 0..", kLevelCount - 1));
        }
        u.level = v;
      }
      if (auto [it, fresh] = by_id.emplace(u.id, units.size()); !fresh) {
        return absl::InvalidArgumentError(internal::cat(at(r.line, col.at("id"), "id"), ": duplicate unit id '", u.id,
                                                        "' (also line ", units[it->second].line, ")"));
      }
      units.push_back(std::move(u));
    }

    // Levels: fixed for tree kinds; beside the tree, the parent's plus one (resolved
    // along the parent chain, which may run through other units beside the tree).
    std::vector<int> level(units.size(), -1);
    for (std::size_t k = 0; k < units.size(); ++k) {
      std::vector<std::size_t> chain;
      std::size_t cur = k;
      int base = -1;
      while (true) {
        if (level[cur] >= 0) {
          base = level[cur];
          break;
        }
        if (auto fixed = tree_level_of(units[cur].kind)) {
          level[cur] = *fixed;
          base = *fixed;
          break;
        }
        chain.push_back(cur);
        const Unit& u = units[cur];
        if (u.parent.empty()) {
          return absl::InvalidArgumentError(internal::cat(at(u.line, col.at("parent"), "parent"), ": a ",
                                                          to_string(u.kind), " sits beside the tree and needs a parent"));
        }
        auto p = by_id.find(u.parent);
        if (p == by_id.end()) {
          return absl::NotFoundError(internal::cat(at(u.line, col.at("parent"), "parent"), ": unit ", u.id,
                                                   ": parent '", u.parent, "' is not in the file"));
        }
        if (std::find(chain.begin(), chain.end(), p->second) != chain.end()) {
          return absl::InvalidArgumentError(internal::cat(at(u.line, col.at("parent"), "parent"), ": unit ", u.id,
                                                          ": the parents form a cycle"));
        }
        cur = p->second;
      }
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) level[*it] = ++base;
      if (level[k] >= kLevelCount) {
        return absl::InvalidArgumentError(internal::cat(at(units[k].line, col.at("parent"), "parent"), ": unit ",
                                                        units[k].id, " would sit at level ", level[k], ", below level ",
                                                        kLevelCount - 1));
      }
      if (units[k].level && *units[k].level != level[k]) {
        return absl::InvalidArgumentError(internal::cat(
            at(units[k].line, col.at("level"), "level"), ": unit ", units[k].id, ": level ", *units[k].level,
            " does not match its kind ", to_string(units[k].kind),
            tree_level_of(units[k].kind) ? ", which sits at level " : " beside the tree under its parent, at level ",
            level[k]));
      }
    }

    json::object doc;
    doc["schema"] = to_string(schema);
    json::array arr;
    for (std::size_t k = 0; k < units.size(); ++k) {
      const Unit& u = units[k];
      json::object o;
      o["id"] = u.id;
      o["name"] = u.name;
      o["level"] = level[k];
      o["kind"] = to_string(u.kind);
      if (!u.parent.empty()) o["parent"] = u.parent;
      if (!u.schema.empty()) o["schema"] = u.schema;
      arr.emplace_back(std::move(o));
    }
    doc["units"] = std::move(arr);
    OrgCsvImport out{json::serialize(doc), units.size()};

    // The graph's own checks (parents, kinds under kinds per schema, one root, ...). Its
    // messages name "units[K] (unit X), field \"F\"": point at line and column instead.
    OrgGraph scratch;
    absl::Status st = scratch.load_json(out.json, source);
    if (!st.ok()) {
      std::string msg(st.message());
      const std::string prefix = internal::cat(source, ": units[");
      if (msg.starts_with(prefix)) {
        std::size_t k = 0;
        const char* b = msg.data() + prefix.size();
        const auto [end, ec] = std::from_chars(b, msg.data() + msg.size(), k);
        const std::size_t field_at = msg.find(", field \"");
        if (ec == std::errc() && k < units.size() && field_at != std::string::npos) {
          const std::size_t fb = field_at + 9, fe = msg.find('"', fb);
          const std::string field = msg.substr(fb, fe - fb);
          auto c = col.find(field);
          const std::string where = c != col.end() ? at(units[k].line, c->second, field)
                                                   : internal::cat(source, ": line ", units[k].line, " (", field, ")");
          msg = internal::cat(where, ": ", msg.substr(fe + 3));
        }
      }
      return absl::Status(st.code(), msg);
    }
    return out;
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat(source, ": ", e.what()));
  }
}

}  // namespace jiceng
