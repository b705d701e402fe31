// Internal: what the journal commands share (`jiceng commitments|assessment|projects|fund|
// matter|mediation|petition|export …`) — the error line and exit code, opening a journal
// that must exist (read-only unless the command writes), waiting for --min-seq and running
// one query of a loop, and printing a loop's diagram and permission matrix from its table.
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "boost/json.hpp"
#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/loop.hpp"

namespace jiceng::cli::civic {

inline int fail(std::string_view cmd, const absl::Status& st) {
  std::cerr << "jiceng " << cmd << ": " << st.message() << "\n";
  return exit_code_for(st);
}

/// Opens the existing journal `db` — read-only unless `write` — with its engine replayed.
/// A missing file or one that is not a journal is refused before anything is opened; an
/// error opening it names `db`.
inline absl::StatusOr<std::unique_ptr<DurableEngine>> open_journal(const std::string& db, bool write = false) {
  JICENG_RETURN_IF_ERROR(check_journal_file(db));
  JournalOptions jo;
  jo.read_only = !write;
  jo.create_if_missing = false;
  auto d = open_engine(db, jo);
  if (!d.ok()) return absl::Status(d.status().code(), db + ": " + std::string(d.status().message()));
  return d;
}

/// Opens `db` read-only, waits until it holds `min_seq`, and answers `query` of `loop` with
/// `params` (JSON text, "" for none): the query's JSON text.
inline absl::StatusOr<std::string> query_journal_text(const std::string& db, std::string_view loop,
                                                      std::string_view query, const std::string& params,
                                                      const MinSeqOptions& min_seq) {
  JICENG_ASSIGN_OR_RETURN(std::unique_ptr<DurableEngine> d, open_journal(db));
  JICENG_RETURN_IF_ERROR(await_min_seq(*d, min_seq));
  return d->engine().query(loop, query, params);
}

/// query_journal_text with `params` as an object: the parsed JSON.
inline absl::StatusOr<boost::json::value> query_journal(const std::string& db, std::string_view loop,
                                                        std::string_view query, const boost::json::object& params,
                                                        const MinSeqOptions& min_seq) {
  const std::string p = params.empty() ? std::string() : boost::json::serialize(params);
  JICENG_ASSIGN_OR_RETURN(std::string text, query_journal_text(db, loop, query, p, min_seq));
  return boost::json::parse(text);
}

/// A string field of a JSON object, or "" (for printing).
inline std::string text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

/// Adds `diagram` (Graphviz DOT) and `matrix` (Markdown) of the loop's table.
inline void add_table_commands(CLI::App* cmd, const LoopTable& table, int& exit_code) {
  cmd->add_subcommand("diagram", "Graphviz DOT of the loop's states and rows, generated from its table")
      ->callback([&table, &exit_code] {
        std::cout << loop_diagram_dot(table);
        exit_code = std::cout.good() ? kExitOk : kExitUsage;
      });
  cmd->add_subcommand("matrix", "Permission matrix (权限矩阵): state x event -> roles and scope, from the table")
      ->callback([&table, &exit_code] {
        std::cout << loop_permission_matrix(table);
        exit_code = std::cout.good() ? kExitOk : kExitUsage;
      });
}

}  // namespace jiceng::cli::civic
