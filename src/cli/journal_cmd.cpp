// `jiceng replay DB`, `jiceng verify DB`, `jiceng snapshot DB`: the journal (事件日志)
// from the command line — rebuild the state and print what it holds, check the hash
// chain only, or write a snapshot so the next open starts from it.
#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/journal.hpp"

namespace jiceng::cli {
namespace {

struct JournalCliOptions {
  std::string path;
  bool from_start = false;
  bool fast = false;  // verify: skip re-deriving the snapshots' states from the events
  std::string key_file;  // the journal's MAC key: the file's bytes, all of them
};

// Reads the MAC key from --key-file into `opts` (the file's bytes as they are; the key is
// never printed). An unreadable or empty file is an input error.
absl::Status read_key(const JournalCliOptions& o, JournalOptions& opts) {
  if (o.key_file.empty()) return absl::OkStatus();
  std::ifstream in(o.key_file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("--key-file " + o.key_file + ": cannot be read");
  opts.mac_key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (opts.mac_key.empty()) return absl::InvalidArgumentError("--key-file " + o.key_file + ": the file is empty");
  return absl::OkStatus();
}

// Wipes the key once the journal holds its own copy.
void wipe_key(JournalOptions& opts) {
  if (!opts.mac_key.empty()) OPENSSL_cleanse(opts.mac_key.data(), opts.mac_key.size());
  opts.mac_key.clear();
}

// Exit 3 when the chain or a snapshot does not verify, 2 when the file cannot be used.
int fail(const char* command, const absl::Status& st) {
  std::cerr << "jiceng " << command << ": " << st.message() << "\n";
  return exit_code_for(st);
}

int run_replay(const JournalCliOptions& o) {
  if (auto st = check_journal_file(o.path); !st.ok()) return fail("replay", st);
  JournalOptions opts;
  opts.read_only = true;
  opts.use_snapshots = !o.from_start;
  opts.verify_snapshot = true;  // an audit: the snapshot must be the state its events derive
  if (auto st = read_key(o, opts); !st.ok()) return fail("replay", st);
  auto opened = open_engine(o.path, opts);
  wipe_key(opts);
  if (!opened.ok()) return fail("replay", opened.status());
  const ReplayReport& r = (*opened)->open_report();
  std::cout << "journal: " << o.path << "\n";
  if (r.last_seq == 0) {
    std::cout << "events: none\n";
  } else {
    std::cout << "events: seq 1.." << r.last_seq << " (" << r.last_seq << " events, chain verified)\n";
  }
  if (r.snapshot_seq.has_value()) {
    std::cout << "snapshot: seq " << *r.snapshot_seq
              << (r.snapshot_checked ? " (checked against the events)" : "") << "\n";
  } else {
    std::cout << "snapshot: none used\n";
  }
  std::cout << "replayed: " << r.replayed << " events\n";
  std::cout << "by type:\n";
  for (const auto& [type, n] : r.counts) {
    std::cout << "  " << type << std::string(type.size() < 18 ? 18 - type.size() : 1, ' ') << n << "\n";
  }
  if (r.keyed) std::cout << "keyed: the head's and the snapshot's MACs checked\n";
  std::cout << "state digest: " << r.digest << "\n";
  return 0;
}

int run_verify(const JournalCliOptions& o) {
  if (auto st = check_journal_file(o.path); !st.ok()) return fail("verify", st);
  JournalOptions opts;
  opts.read_only = true;
  opts.verify_states = !o.fast;
  if (auto st = read_key(o, opts); !st.ok()) return fail("verify", st);
  auto journal = Journal::open(o.path, opts);
  wipe_key(opts);
  if (!journal.ok()) return fail("verify", journal.status());
  auto report = (*journal)->verify();
  if (!report.ok()) return fail("verify", report.status());
  std::cout << "ok: " << report->events << " events";
  if (report->last_seq > 0) std::cout << " (seq 1.." << report->last_seq << ")";
  std::cout << ", head " << to_hex(report->head) << ", " << report->snapshots << " snapshot"
            << (report->snapshots == 1 ? "" : "s");
  if (report->latest_snapshot.has_value()) std::cout << " (latest at seq " << *report->latest_snapshot << ")";
  if (report->snapshots > 0) {
    std::cout << (o.fast ? "; snapshot contents not checked (--fast)" : "; their states re-derived from the events");
  }
  if (report->keyed) std::cout << "; keyed: the head's and every snapshot's MAC checked";
  std::cout << "\n";
  return 0;
}

int run_snapshot(const JournalCliOptions& o) {
  if (auto st = check_journal_file(o.path); !st.ok()) return fail("snapshot", st);
  JournalOptions opts;
  opts.create_if_missing = false;
  if (auto st = read_key(o, opts); !st.ok()) return fail("snapshot", st);
  auto opened = open_engine(o.path, opts);
  wipe_key(opts);
  if (!opened.ok()) return fail("snapshot", opened.status());
  auto info = (*opened)->write_snapshot();
  if (!info.ok()) return fail("snapshot", info.status());
  std::cout << "snapshot at seq " << info->seq << ", state digest " << info->digest << "\n";
  return 0;
}

void add_journal_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<JournalCliOptions>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Verify a journal's hash chain, rebuild the state (newest snapshot + the rest), "
                "print event counts by type, the seq range, the snapshot used and the state digest");
  replay->add_option("DB", o->path, "journal file")->required();
  replay->add_flag("--from-start", o->from_start, "ignore snapshots; replay every event from seq 1");
  replay->add_option("--key-file", o->key_file, "the journal's MAC key (a keyed journal): the file's bytes");
  replay->callback([o, &exit_code] { exit_code = run_replay(*o); });

  CLI::App* verify = app.add_subcommand(
      "verify", "Check a journal's hash chain and snapshots only; exit 3 naming the first bad seq");
  verify->add_option("DB", o->path, "journal file")->required();
  verify->add_flag("--fast", o->fast,
                   "skip re-deriving each snapshot's state from the events (then a snapshot rewritten with "
                   "its hashes recomputed passes, unless the journal is keyed)");
  verify->add_option("--key-file", o->key_file, "the journal's MAC key (a keyed journal): the file's bytes");
  verify->callback([o, &exit_code] { exit_code = run_verify(*o); });

  CLI::App* snapshot = app.add_subcommand(
      "snapshot", "Open a journal (replaying it) and write a snapshot of the state at its last seq");
  snapshot->add_option("DB", o->path, "journal file")->required();
  snapshot->add_option("--key-file", o->key_file, "the journal's MAC key (a keyed journal): the file's bytes");
  snapshot->callback([o, &exit_code] { exit_code = run_snapshot(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("journal", add_journal_commands);

}  // namespace jiceng::cli
