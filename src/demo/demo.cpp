// run_demo: the main job end to end — district, journaled engine, the year, the report
// and its files.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "demo/internal.hpp"
#include "demo/loop_parts.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/pg_journal.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/policy.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;

absl::Status write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string(), ": ", std::strerror(errno)));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string(), ": write failed"));
  return absl::OkStatus();
}

// Graphviz `dot` on PATH, or empty.
std::string find_dot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    if (dir.empty()) continue;
    fs::path p = fs::path(std::string(dir)) / "dot";
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

// Runs `dot -Tsvg in -o out` as a subprocess (no shell); true when it exits 0.
bool run_dot(const std::string& dot, const fs::path& in, const fs::path& out) {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const std::string in_s = in.string(), out_s = out.string();
    ::execl(dot.c_str(), "dot", "-Tsvg", in_s.c_str(), "-o", out_s.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Writes `name`.svg through dot when possible, else `name`.dot; returns the file written.
absl::StatusOr<DemoFile> write_diagram(const fs::path& dir, const std::string& name, const std::string& dot_text,
                                       const std::string& what, const std::string& what_zh, bool render) {
  const fs::path dot_path = dir / (name + ".dot");
  JICENG_RETURN_IF_ERROR(write_file(dot_path, dot_text));
  const std::string dot = render ? find_dot() : std::string();
  if (!dot.empty() && run_dot(dot, dot_path, dir / (name + ".svg"))) {
    std::error_code ec;
    fs::remove(dot_path, ec);
    return DemoFile{name + ".svg", what + " (Graphviz SVG)", what_zh + "（SVG 图）"};
  }
  return DemoFile{name + ".dot", what + " (Graphviz DOT; install graphviz for SVG)",
                  what_zh + "（Graphviz DOT 源文件；安装 graphviz 后生成 SVG 图）"};
}

absl::Status check_options(const DemoOptions& o) {
  if (o.days < 1 || o.days > 730) {
    return absl::InvalidArgumentError(absl::StrCat("demo: --days ", o.days, " must be between 1 and 730"));
  }
  if (!(o.petitions_per_day >= 0) || o.petitions_per_day > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat("demo: petitions per day ", o.petitions_per_day, " must be between 0 and 100000"));
  }
  absl::StatusOr<Date> start = parse_date(o.start);
  if (!start.ok()) return absl::InvalidArgumentError(absl::StrCat("demo: start: ", start.status().message()));
  // Deadlines run up to ~60 days past the last submission; stay inside what the calendar
  // answers: the official years and the provisional years after them.
  const WorkCalendar& cal = WorkCalendar::china();
  const Date last = *start + boost::gregorian::days(o.days - 1 + 90);
  const int last_year = cal.last_provisional_year() != 0 ? cal.last_provisional_year() : cal.last_year();
  if (static_cast<int>(start->year()) < cal.first_year() || static_cast<int>(last.year()) > last_year) {
    return absl::InvalidArgumentError(absl::StrCat("demo: ", o.start, " plus ", o.days,
                                                   " days (and 90 days for deadlines) leaves the calendar's years ",
                                                   cal.first_year(), "–", last_year, " (official to ",
                                                   cal.last_year(), ", provisional after)"));
  }
  if (o.write_files && o.out_dir.empty()) return absl::InvalidArgumentError("demo: --out must not be empty");
  return absl::OkStatus();
}

absl::StatusOr<PolicySet> load_policy(const std::string& name) {
  const auto builtin = PolicySet::builtin_names();
  if (std::find(builtin.begin(), builtin.end(), name) != builtin.end()) return PolicySet::load_builtin(name);
  std::error_code ec;
  if (fs::exists(name, ec)) return PolicySet::load_file(name);
  return absl::NotFoundError(absl::StrCat("demo: policy \"", name, "\" is neither a built-in set (",
                                          absl::StrJoin(builtin, ", "), ") nor a file"));
}

// 四方协同派单: the set with petition.compound_parties' dispatch_to_party on, said in its
// description and the rule's source; nullopt when the set has no such table or has it on.
absl::StatusOr<std::optional<PolicySet>> with_party_dispatch(const PolicySet& set) {
  boost::json::value doc = boost::json::parse(set.to_json());
  boost::json::object& top = doc.as_object();
  bool changed = false;
  for (auto& r : top["rules"].as_array()) {
    boost::json::object& rule = r.as_object();
    if (rule["id"] != "petition.compound_parties" || !rule["params"].is_object()) continue;
    boost::json::object& params = rule["params"].as_object();
    if (params["dispatch_to_party"] == true) return std::optional<PolicySet>();
    params["dispatch_to_party"] = true;
    const std::string source = rule["source"].is_string() ? std::string(rule["source"].as_string()) : "";
    rule["source"] = absl::StrCat(source, " In jiceng demo, dispatch_to_party is on: the demo's district sends compound "
                                  "matters to the party's unit (a demo setting; --no-party-dispatch keeps the set's).");
    changed = true;
  }
  if (!changed) return std::optional<PolicySet>();
  const std::string description = top["description"].is_string() ? std::string(top["description"].as_string()) : "";
  top["description"] = absl::StrCat(description, " In the demo: compound matters dispatched to the answering party "
                                    "(四方协同派单).");
  JICENG_ASSIGN_OR_RETURN(PolicySet out, PolicySet::from_json(boost::json::serialize(doc), set.name()));
  return std::optional<PolicySet>(std::move(out));
}

}  // namespace

absl::StatusOr<DemoResult> run_demo(const DemoOptions& options) {
  JICENG_RETURN_IF_ERROR(check_options(options));
  JICENG_ASSIGN_OR_RETURN(PolicySet set, load_policy(options.policy));
  bool changed_set = false;
  if (options.party_dispatch) {
    JICENG_ASSIGN_OR_RETURN(std::optional<PolicySet> with_party, with_party_dispatch(set));
    if (with_party) {
      set = *std::move(with_party);
      changed_set = true;
    }
  }
  auto phase = [&](std::string_view name, std::size_t done, std::size_t total) {
    if (options.progress) options.progress(name, done, total);
  };
  phase("building the district", 0, 1);
  const demo::District& district = demo::default_district();
  JICENG_ASSIGN_OR_RETURN(demo::OrgFacts org, demo::org_facts(district));
  phase("building the district", 1, 1);

  const fs::path dir(options.out_dir);
  const std::string journal_name = "journal.sqlite";
  const bool on_postgres = is_postgres_uri(options.journal);
  if (!options.journal.empty() && !on_postgres) {
    return absl::InvalidArgumentError(absl::StrCat("demo: --journal ", options.journal,
                                                   ": not a postgresql:// URI (the SQLite journal goes to --out)"));
  }
  if (options.write_files) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("demo: cannot create ", dir.string(), ": ", ec.message()));
    // A fresh journal each run: an old one would be reopened and appended to.
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(dir / (journal_name + suffix), ec);
  }

  std::unique_ptr<DurableEngine> durable;
  std::unique_ptr<Engine> memory;
  Engine* engine = nullptr;
  if (options.write_files) {
    JournalOptions jo;
    jo.sync = SyncMode::kNormal;  // WAL + synchronous=NORMAL: crash-safe, fsync at checkpoints
    const auto builtin = PolicySet::builtin_names();
    const bool is_builtin = std::find(builtin.begin(), builtin.end(), options.policy) != builtin.end();
    jo.policy = is_builtin ? options.policy : "national";
    if (options.snapshot_every_events) jo.snapshots.every_events = *options.snapshot_every_events;
    if (on_postgres && options.journal.find("chain=") == std::string::npos) {
      // The chain is the district's: the county code of the org's root.
      JICENG_ASSIGN_OR_RETURN(const int chain, internal::county_chain_of_org(district.json));
      jo.chain = std::to_string(chain);
    }
    JICENG_ASSIGN_OR_RETURN(durable,
                            DurableEngine::open(on_postgres ? options.journal : (dir / journal_name).string(), jo));
    engine = &durable->engine();
    if (on_postgres && engine->last_seq() > 2) {  // more than the two opening events
      return absl::FailedPreconditionError(absl::StrCat("demo: ", durable->journal().path(), " already holds ",
                                                        engine->last_seq(), " events; the demo needs an empty chain"));
    }
    if (!is_builtin || changed_set) JICENG_RETURN_IF_ERROR(engine->set_policy(set.to_json()));
  } else {
    JICENG_ASSIGN_OR_RETURN(memory, Engine::create("national"));
    engine = memory.get();
    JICENG_RETURN_IF_ERROR(engine->set_policy(set.to_json()));
  }
  JICENG_ASSIGN_OR_RETURN(Date start, parse_date(options.start));
  JICENG_RETURN_IF_ERROR(engine->load_org(district.json, china_time_to_utc(start, 0)));

  JICENG_ASSIGN_OR_RETURN(demo::SimStats sim, demo::simulate(*engine, district, options));
  JICENG_ASSIGN_OR_RETURN(std::vector<demo::LoopPartReport> loop_reports,
                          demo::run_loop_parts(*engine, district, options, sim));

  // The offices the year's reviews ended, drawn in the org diagram as ended posts.
  JICENG_ASSIGN_OR_RETURN(org.dot, demo::with_ended_offices(std::move(org.dot), *engine));

  DemoResult result;
  result.org_dot = org.dot;
  if (options.write_files) {
    result.files.push_back({"report.json", "everything below, machine-readable", "本报告的全部数据（机读 JSON）"});
    result.files.push_back({"report.html", "one self-contained page with charts; opens offline", "本页：含图表，离线可打开"});
    phase("drawing diagrams", 0, 2);
    JICENG_ASSIGN_OR_RETURN(DemoFile org_file,
                            write_diagram(dir, "org", org.dot, "the district's top levels", "全区组织体系（上层）",
                                          options.render_svg));
    result.files.push_back(org_file);
    JICENG_ASSIGN_OR_RETURN(DemoFile wf_file, write_diagram(dir, "workflow", workflow_dot(),
                                                            "the petition state machine, from its table",
                                                            "诉求办理流程（由状态转换表生成）", options.render_svg));
    result.files.push_back(wf_file);
    // Each hosted loop's workflow, drawn from its table like the petitions'.
    for (const std::string& loop : engine->loops()) {
      const LoopTable* table = engine->loop_table(loop);
      JICENG_ASSIGN_OR_RETURN(DemoFile loop_file,
                              write_diagram(dir, absl::StrCat(loop, "-workflow"), loop_diagram_dot(*table),
                                            absl::StrCat("the ", loop, " (", std::string(table->zh), ") loop's states, from its table"),
                                            absl::StrCat(std::string(table->zh), "流程（由状态转换表生成）"), options.render_svg));
      result.files.push_back(loop_file);
    }
    phase("drawing diagrams", 2, 2);
    if (on_postgres) {
      result.files.push_back({durable->journal().path(), "the PostgreSQL event journal (hash-chained; jiceng report / replay read it)",
                              "事件日志（PostgreSQL，哈希链防篡改；jiceng report / replay 读取）"});
    } else {
      result.files.push_back({journal_name, "the SQLite event journal (hash-chained; jiceng report / replay read it)",
                              "事件日志（SQLite，哈希链防篡改；jiceng report / replay 读取）"});
    }
  }
  phase("reporting", 0, 1);
  JICENG_ASSIGN_OR_RETURN(demo::ReportParts parts,
                          demo::build_report(*engine, set, district, org, sim, options, result.files, loop_reports));
  JICENG_ASSIGN_OR_RETURN(result.report_html, demo::render_html(parts.json));
  result.report_json = std::move(parts.json);
  result.report_text = std::move(parts.text);
  result.petitions = sim.submitted;
  result.events = engine->last_seq();
  result.refused = sim.refused;
  if (options.write_files) {
    JICENG_RETURN_IF_ERROR(write_file(dir / "report.json", result.report_json));
    JICENG_RETURN_IF_ERROR(write_file(dir / "report.html", result.report_html));
  }
  phase("reporting", 1, 1);
  return result;
}

}  // namespace jiceng
