// `jiceng workflow …`: the petition state machine (诉求状态机) as artefacts generated from
// the transition table — the Graphviz diagram, the permission matrix (权限矩阵), and a
// check that the copies in docs/ are current.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/petition.hpp"

namespace jiceng::cli {
namespace {

struct WorkflowOptions {
  std::string format = "markdown";
  std::string output;
  std::string docs;
};

void error(const std::string& what) { std::cerr << "jiceng workflow: " << what << "\n"; }

// Writes to --output when given (only when the content changed), else to stdout.
int emit(const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::cout << text;
    return 0;
  }
  std::ifstream in(output, std::ios::binary);
  std::stringstream old;
  if (in) old << in.rdbuf();
  if (in && old.str() == text) return 0;
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!(out << text)) {
    error("cannot write " + output);
    return kExitUsage;
  }
  return 0;
}

int check(const std::string& dir) {
  auto md = workflow_matrix("markdown");
  const std::pair<std::string, std::string> files[] = {
      {dir + "/petition-workflow.dot", workflow_dot()},
      {dir + "/petition-permissions.md", md.ok() ? *md : std::string()},
  };
  int bad = 0;
  for (const auto& [path, want] : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream have;
    if (in) have << in.rdbuf();
    if (!in || have.str() != want) {
      error(path + (in ? " is stale" : " is missing") +
            ": regenerate it from the transition table (cmake --build <build> --target petition_docs)");
      ++bad;
    }
  }
  if (bad == 0) std::cout << "petition docs match the transition table (" << kTransitionCount << " rows)\n";
  return bad == 0 ? kExitOk : kExitProblems;
}

void add_workflow(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<WorkflowOptions>();
  auto* wf = app.add_subcommand("workflow", "The petition state machine, generated from its transition table");
  wf->require_subcommand(1);

  auto* dot = wf->add_subcommand("dot", "Graphviz DOT of the state machine");
  dot->add_option("-o,--output", opts->output, "write to FILE (unchanged files are not touched)");
  dot->callback([opts, &exit_code] { exit_code = emit(workflow_dot(), opts->output); });

  auto* matrix = wf->add_subcommand("matrix", "Permission matrix: role x event -> states and scope");
  matrix->add_option("--format", opts->format, "markdown or csv")->capture_default_str();
  matrix->add_option("-o,--output", opts->output, "write to FILE (unchanged files are not touched)");
  matrix->callback([opts, &exit_code] {
    auto text = workflow_matrix(opts->format);
    if (!text.ok()) {
      error(std::string(text.status().message()));
      exit_code = 2;
      return;
    }
    exit_code = emit(*text, opts->output);
  });

  // For the project's own build (docs/ must match the table), not for users: hidden from --help.
  auto* chk = wf->add_subcommand("check", "Fail when docs/ copies differ from the table");
  chk->group("");
  chk->add_option("--docs", opts->docs, "the docs folder")->required();
  chk->callback([opts, &exit_code] { exit_code = check(opts->docs); });
}

}  // namespace

JICENG_CLI_COMMAND("workflow", add_workflow);

}  // namespace jiceng::cli
