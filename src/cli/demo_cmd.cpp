// `jiceng demo`: the main job, for now: import the bundled sample district
// (data/sample-district.json, embedded in the library) and print its summary and
// coverage report (覆盖情况).
#include <iostream>

#include "cli/registry.hpp"
#include "jiceng/org.hpp"

namespace jiceng::cli {
namespace {

void add_demo(CLI::App& app, int& exit_code) {
  CLI::App* demo = app.add_subcommand("demo", "Import the bundled sample district and report on it");
  demo->callback([&exit_code] {
    OrgGraph g;
    absl::Status s = g.load_json(sample_district_json(), "sample-district.json");
    if (!s.ok()) {
      std::cerr << "jiceng demo: " << s.message() << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "jiceng demo — bundled sample district (吴中区 sample, data/sample-district.json)\n\n"
              << g.summary_text() << "\n"
              << g.coverage_text(g.coverage());
    exit_code = 0;
  });
}

}  // namespace
}  // namespace jiceng::cli

JICENG_CLI_COMMAND("demo", jiceng::cli::add_demo);
