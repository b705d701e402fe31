// The `jiceng` command: thin front end over the library. Each area registers its
// subcommands (see registry.hpp); errors go to stderr with the exit codes of exit_codes.hpp.
#include <algorithm>
#include <exception>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/version.hpp"

namespace jiceng::cli {
std::vector<CommandRegistration>& registered_commands() {
  static std::vector<CommandRegistration> commands;
  return commands;
}
}  // namespace jiceng::cli

int main(int argc, char** argv) {
  CLI::App app{"jiceng — party-led grassroots governance (基层治理): organization, petitions, policy"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "jiceng " JICENG_VERSION_STRING);
  int exit_code = 0;
  auto& commands = jiceng::cli::registered_commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& c : commands) c.add(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every other parse error is a usage error (CLI11's own
    // codes, 105 to 114, would differ by kind of mistake).
    const int rc = app.exit(e);
    return rc == 0 ? jiceng::cli::kExitOk : jiceng::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "jiceng: " << e.what() << "\n";
    return jiceng::cli::kExitUsage;
  }
  return exit_code;
}
