// The `jiceng` command's registry: each area adds its subcommands from its own
// src/cli/<area>_cmd.cpp through a static JICENG_CLI_COMMAND registration, so the
// command grows with the library without one file that every area edits.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace jiceng::cli {

/// Adds one area's subcommands to the top-level app. Actions set by the area's
/// callbacks return a process exit code through `exit_code`.
using CommandAdder = std::function<void(CLI::App& app, int& exit_code)>;

struct CommandRegistration {
  std::string name;
  CommandAdder add;
};

std::vector<CommandRegistration>& registered_commands();

inline bool register_command(std::string name, CommandAdder add) {
  registered_commands().push_back({std::move(name), std::move(add)});
  return true;
}

}  // namespace jiceng::cli

#define JICENG_CLI_CONCAT_(a, b) a##b
#define JICENG_CLI_CONCAT(a, b) JICENG_CLI_CONCAT_(a, b)
/// Registers `adder` (a CommandAdder) under `name` at start-up.
#define JICENG_CLI_COMMAND(name, adder) \
  static const bool JICENG_CLI_CONCAT(jiceng_cli_registered_, __LINE__) = \
      ::jiceng::cli::register_command(name, adder)
