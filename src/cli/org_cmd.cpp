// `jiceng org …`: load, check, query and generate party organization data (党组织体系).
// Errors go to stderr; a file that does not load or an unknown unit exits 2, a coverage
// report with errors exits 1 (the scheme of exit_codes.hpp).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/org.hpp"
#include "jiceng/org_csv.hpp"
#include "jiceng/org_generator.hpp"

namespace jiceng::cli {
namespace {

/// Loads FILE ("-" for standard input); prints the error and returns nullopt on failure.
std::optional<OrgGraph> load_org(const std::string& file) {
  OrgGraph g;
  absl::Status s;
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    s = g.load_json(text, "<stdin>");
  } else {
    s = g.load_file(file);
  }
  if (!s.ok()) {
    std::cerr << "jiceng org: " << s.message() << "\n";
    return std::nullopt;
  }
  return g;
}

std::optional<UnitIndex> unit_or_error(const OrgGraph& g, const std::string& id) {
  auto u = g.find(id);
  if (!u) std::cerr << "jiceng org: unknown unit '" << id << "'\n";
  return u;
}

struct OrgArgs {
  std::string file;
  std::vector<std::string> ids;
  std::string root;
  int depth = 2;
  bool json = false;
  std::string as_of;
  int threshold = 3;
  std::size_t max_listed = 20;
  std::size_t units = 10000;
  std::uint64_t seed = 1;
  bool jsonl = false;
  std::string csv, out, schema = "urban_grid";
  double unbranched = 0.0;
  double vacancy = 0.0;
};

void add_org(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<OrgArgs>();
  CLI::App* org = app.add_subcommand("org", "Party organization hierarchy (党组织体系): load, check, query, generate");
  org->require_subcommand(1);

  CLI::App* summary = org->add_subcommand("summary", "Units per level and kind, links, members, posts, households");
  summary->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  summary->callback([args, &exit_code] {
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    std::cout << g->summary_text();
  });

  CLI::App* check = org->add_subcommand("check", "Coverage report; exit 1 when it finds errors");
  check->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  check->add_flag("--json", args->json, "Print the report as JSON");
  check->add_option("--as-of", args->as_of, "Count posts in office on this day (YYYY-MM-DD)");
  check->add_option("--threshold", args->threshold, "Resident party members that call for a compound branch")
      ->capture_default_str();
  check->add_option("--max-listed", args->max_listed, "Units listed per finding in the text report")
      ->capture_default_str();
  check->callback([args, &exit_code] {
    CoverageOptions options;
    options.compound_branch_threshold = args->threshold;
    if (!args->as_of.empty()) {
      options.as_of = parse_iso_day(args->as_of);
      if (!options.as_of) {
        std::cerr << "jiceng org check: --as-of '" << args->as_of << "' is not a date YYYY-MM-DD\n";
        exit_code = 2;
        return;
      }
    }
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    CoverageReport r = g->coverage(options);
    if (args->json) {
      std::cout << g->coverage_json(r) << "\n";
    } else {
      std::cout << g->coverage_text(r, args->max_listed);
    }
    exit_code = r.error_count() ? kExitProblems : kExitOk;
  });

  CLI::App* ancestors = org->add_subcommand("ancestors", "Chain of command: one line per id, the unit up to the root");
  ancestors->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  ancestors->add_option("ID", args->ids, "Unit ids")->required();
  ancestors->callback([args, &exit_code] {
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    for (const std::string& id : args->ids) {
      auto u = unit_or_error(*g, id);
      if (!u) {
        exit_code = kExitUsage;
        continue;
      }
      std::string line;
      for (UnitIndex a : g->chain_of_command(*u)) {
        if (!line.empty()) line += ' ';
        line += g->id(a);
      }
      std::cout << line << "\n";
    }
  });

  CLI::App* subtree = org->add_subcommand("subtree-size", "Units in each subtree (the unit included): 'ID SIZE' per line");
  subtree->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  subtree->add_option("ID", args->ids, "Unit ids")->required();
  subtree->callback([args, &exit_code] {
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    for (const std::string& id : args->ids) {
      auto u = unit_or_error(*g, id);
      if (!u) {
        exit_code = kExitUsage;
        continue;
      }
      std::cout << id << " " << g->subtree_size(*u) << "\n";
    }
  });

  CLI::App* lca = org->add_subcommand("lca", "Lowest common ancestor of two units");
  lca->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  lca->add_option("ID", args->ids, "Two unit ids")->required()->expected(2);
  lca->callback([args, &exit_code] {
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    auto a = unit_or_error(*g, args->ids[0]);
    auto b = unit_or_error(*g, args->ids[1]);
    if (!a || !b) {
      exit_code = kExitUsage;
      return;
    }
    UnitIndex c = g->lowest_common_ancestor(*a, *b);
    if (c == kNoUnit) {
      std::cerr << "jiceng org lca: " << args->ids[0] << " and " << args->ids[1] << " are in different trees\n";
      exit_code = kExitUsage;
      return;
    }
    std::cout << g->id(c) << "\n";
  });

  CLI::App* dot = org->add_subcommand("dot", "Graphviz DOT of a subtree (pipe to `dot -Tsvg`)");
  dot->add_option("FILE", args->file, "JSON or JSON Lines org data ('-' for stdin)")->required();
  dot->add_option("ROOT", args->root, "Root unit id")->required();
  dot->add_option("--depth", args->depth, "Levels below the root (negative: all)")->capture_default_str();
  dot->callback([args, &exit_code] {
    auto g = load_org(args->file);
    if (!g) {
      exit_code = 2;
      return;
    }
    auto root = unit_or_error(*g, args->root);
    if (!root) {
      exit_code = kExitUsage;
      return;
    }
    std::cout << g->export_dot(*root, args->depth);
  });

  CLI::App* import = org->add_subcommand(
      "import", "Your own organization from a CSV file (id,name,kind,parent[,level][,schema]) as org JSON; "
                "nothing is written when any row is wrong");
  import->add_option("--csv", args->csv, "CSV file with a header row (docs/org-import.md)")->required();
  import->add_option("--out", args->out, "write the org JSON here (default: stdout)");
  import->add_option("--schema", args->schema, "level schema of the document: urban_grid, compound or rural")
      ->check(CLI::IsMember({"urban_grid", "compound", "rural"}))
      ->capture_default_str();
  import->callback([args, &exit_code] {
    std::ifstream in(args->csv, std::ios::binary);
    if (!in) {
      std::cerr << "jiceng org import: " << args->csv << ": cannot open file\n";
      exit_code = kExitUsage;
      return;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto imported = org_json_from_csv(text, args->csv, *parse_area_schema(args->schema));
    if (!imported.ok()) {
      std::cerr << "jiceng org import: " << imported.status().message() << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (args->out.empty()) {
      std::cout << imported->json << "\n";
    } else {
      // Written beside the target and renamed over it, so a failed write leaves no half file.
      const std::string tmp = args->out + ".tmp";
      {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << imported->json << "\n";
        if (!f.good()) {
          std::cerr << "jiceng org import: cannot write " << args->out << "\n";
          std::remove(tmp.c_str());
          exit_code = kExitUsage;
          return;
        }
      }
      if (std::rename(tmp.c_str(), args->out.c_str()) != 0) {
        std::cerr << "jiceng org import: cannot write " << args->out << "\n";
        std::remove(tmp.c_str());
        exit_code = kExitUsage;
        return;
      }
      std::cerr << "jiceng org import: " << imported->units << " units from " << args->csv << " to " << args->out
                << "\n";
    }
    exit_code = kExitOk;
  });

  CLI::App* generate = org->add_subcommand("generate", "Write a seeded synthetic city to stdout");
  generate->add_option("--units", args->units, "Exact number of org units")->capture_default_str()->check(
      CLI::Range(std::size_t{1}, std::size_t{0xFFFFFFF0u}));
  generate->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  generate->add_flag("--jsonl", args->jsonl, "JSON Lines instead of one JSON document");
  generate->add_option("--unbranched-compound-rate", args->unbranched,
                       "Share of grids holding a compound with no branch (coverage errors)")
      ->check(CLI::Range(0.0, 1.0));
  generate->add_option("--vacancy-rate", args->vacancy, "Share of party organizations with no secretary")
      ->check(CLI::Range(0.0, 1.0));
  generate->callback([args, &exit_code] {
    CityGenSpec spec;
    spec.units = args->units;
    spec.seed = args->seed;
    spec.unbranched_compound_rate = args->unbranched;
    spec.secretary_vacancy_rate = args->vacancy;
    auto text = generate_city_json(spec, args->jsonl);
    if (!text.ok()) {
      std::cerr << "jiceng org generate: " << text.status().message() << "\n";
      exit_code = 2;
      return;
    }
    std::cout << *text;
    if (!std::cout) {
      std::cerr << "jiceng org generate: write error\n";
      exit_code = 2;
    }
  });
}

}  // namespace
}  // namespace jiceng::cli

JICENG_CLI_COMMAND("org", jiceng::cli::add_org);
