// jiceng/province.hpp — a province past one database server (全省多库): district chains
// (one hash chain per 区/县, docs/postgres.md) spread over several PostgreSQL servers.
//
//  - `ChainDirectory`: which server holds which chain (链目录), a small text file.
//  - `ProvinceEngines`: one DurableEngine per district of a directory, and the province's
//    KPIs merged from the districts' (counts and sums add; the resolve-time quantiles come
//    from the merged working-day histogram, an exact mergeable sketch).
//  - `move_chain`: moves one district's chain to another server with proof — freeze on
//    the source, copy events and snapshots, verify on the target and compare heads,
//    switch the directory, unfreeze.
// docs/province.md describes the file format, the move and the path onto distributed
// PostgreSQL-compatible databases.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "jiceng/journal.hpp"
#include "jiceng/kpi.hpp"

namespace jiceng {

/// Which server holds each district's chain: county code (6 digits, e.g. 320506) → the
/// PostgreSQL URI of its database, without `chain=` (the directory adds it).
///
/// File format (UTF-8 text): one `CODE URI` per line, separated by blanks; `#` starts a
/// comment; blank lines are ignored. A code appears once.
class ChainDirectory {
 public:
  /// Parses the text of a directory file; `where` names it in messages. INVALID_ARGUMENT
  /// naming the line for a malformed line, a code that is not a county-level division
  /// code, a URI that is not postgresql:// (or carries its own chain=), a repeated code.
  static absl::StatusOr<ChainDirectory> parse(std::string_view text, std::string_view where);
  /// Reads and parses a directory file. NOT_FOUND when it does not exist.
  static absl::StatusOr<ChainDirectory> load(const std::string& path);
  /// Writes the directory to `path` atomically (a temporary file beside it, then rename):
  /// a reader sees the old directory or the new one, never half of one.
  absl::Status save(const std::string& path) const;
  /// The file text (entries by code).
  std::string to_text() const;

  /// Sets (adds or replaces) the server of `chain`. INVALID_ARGUMENT as parse() would.
  absl::Status set(int chain, std::string_view uri);
  /// The server URI of `chain` (without chain=). NOT_FOUND for a chain not listed.
  absl::StatusOr<std::string> server(int chain) const;
  /// The journal URI of `chain`: its server's URI with `chain=CODE` added.
  absl::StatusOr<std::string> journal_uri(int chain) const;
  /// Every entry, by code.
  const std::map<int, std::string>& entries() const { return entries_; }

 private:
  std::map<int, std::string> entries_;
};

/// Parses a 6-digit county-level division code (区/县, not ending in 00). INVALID_ARGUMENT
/// naming `what` otherwise.
absl::StatusOr<int> parse_county_code(std::string_view text, std::string_view what);

/// What ProvinceEngines::transfer did: the two halves of a cross-district transfer.
struct TransferReceipt {
  int from = 0;                            ///< the giving district
  int to = 0;                              ///< the receiving district
  PetitionId out_petition = kNoPetition;   ///< the petition in the giving district
  std::uint64_t out_seq = 0;               ///< seq of its transfer_out event there (a `reject`)
  ChainHash out_hash{};                    ///< that event's chain hash
  PetitionId in_petition = kNoPetition;    ///< the petition in the receiving district
  std::uint64_t in_seq = 0;                ///< seq of its transfer_in event there (a `submit`)
  std::string key;                         ///< the transfer_in's idempotency key (transfer_key)
  bool repeated = false;                   ///< both halves stood already: nothing was written
};

/// The idempotency key of a transfer_in: `transfer_in:FROM:P00000012:SEQ:HASH` — the giving
/// district, the petition there, and the seq and chain hash (64 hex digits) of its
/// transfer_out event, so the receiving chain references the giving chain's event.
std::string transfer_key(int from, PetitionId petition, std::uint64_t out_seq, const ChainHash& out_hash);

/// One engine per district of a directory (多区引擎集): each a DurableEngine on its
/// district's chain, on whichever server the directory names.
class ProvinceEngines {
 public:
  /// Opens an engine on every chain the directory file at `directory_path` lists (each
  /// created when `options.create_if_missing` and absent). The first failure is returned,
  /// naming the district.
  static absl::StatusOr<std::unique_ptr<ProvinceEngines>> open(const std::string& directory_path,
                                                               const JournalOptions& options = {});
  ~ProvinceEngines();
  ProvinceEngines(const ProvinceEngines&) = delete;
  ProvinceEngines& operator=(const ProvinceEngines&) = delete;

  /// The districts served, by code.
  std::vector<int> chains() const;
  /// The engine of `chain`; NOT_FOUND when the directory does not list it.
  absl::StatusOr<DurableEngine*> district(int chain);
  /// The server URI the engine of `chain` was opened on.
  absl::StatusOr<std::string> server(int chain) const;
  /// Re-reads the directory and reopens each district whose server changed (after a
  /// move_chain); districts added to the file are opened, removed ones closed. Returns
  /// the codes reopened or opened. Nothing changes when the file does not load.
  absl::StatusOr<std::vector<int>> refresh();

  /// 跨区转办: moves petition `id` of district `from` to district `to` as an event pair —
  /// transfer_out in `from`: a `reject` (不予受理) by `giver` whose reason reads
  /// `transfer_out to district TO: reason`; transfer_in in `to`: a `submit` by `receiver` of
  /// the same petition (petitioner, contact, category, channel, urgency, severity, text; at
  /// `location` when given, else where it was) whose idempotency key is transfer_key(…),
  /// naming the transfer_out's seq and chain hash. Idempotent by petition id: run again
  /// (after a crash between the halves, or twice) it finds the transfer_out by its reason and
  /// the transfer_in by its key and writes only what is missing. Only a petition not yet
  /// accepted (state received) moves; FAILED_PRECONDITION otherwise, or when it went to
  /// another district; NOT_FOUND for an unknown district or petition; INVALID_ARGUMENT when
  /// `from` is `to`. Each half is one command on its own chain: no cross-server transaction.
  absl::StatusOr<TransferReceipt> transfer(int from, PetitionId id, int to, const Actor& giver, const Actor& receiver,
                                           std::string_view reason, std::string_view location, Timestamp now);

  /// The KPIs of every district over `period` (KpiReport of the whole engine, unit ""),
  /// by code.
  absl::StatusOr<std::map<int, KpiReport>> district_kpis(const KpiPeriod& period,
                                                         const KpiOptions& options = {}) const;
  /// The province's KPIs: merge_kpi_reports over district_kpis.
  absl::StatusOr<KpiReport> province_kpis(const KpiPeriod& period, const KpiOptions& options = {}) const;

 private:
  struct District;
  ProvinceEngines() = default;
  std::string directory_path_;
  JournalOptions options_;
  std::map<int, std::unique_ptr<District>> districts_;
};

/// Merges district reports (by county code) of one period into the province's (unit "", name 全省, level
/// 0): the counts add (KpiCounts::operator+=, the working-day histograms among them), and
/// the rates, median and p90 are computed again from the sums — the histogram of whole
/// working days is an exact mergeable sketch, so the merged quantiles equal those of all
/// the petitions together. The weights are `weights` when given, else the districts' own,
/// which must then agree (FAILED_PRECONDITION naming two that differ). INVALID_ARGUMENT
/// for reports of different periods or none.
absl::StatusOr<KpiReport> merge_kpi_reports(const std::map<int, KpiReport>& districts,
                                            const std::optional<KpiWeights>& weights = std::nullopt);

/// Options of move_chain.
struct ChainMoveOptions {
  /// Verify the copy on the target with each snapshot's state re-derived from the events
  /// (Journal::verify(true)); false checks the chain, head and snapshot rows only.
  bool verify_states = true;
};

/// What move_chain did.
struct ChainMoveReport {
  int chain = 0;                 ///< the district moved
  std::string from;              ///< its old server (password hidden)
  std::string to;                ///< its new server (password hidden)
  std::uint64_t events = 0;      ///< events copied (seq 1..events)
  std::uint64_t snapshots = 0;   ///< snapshots copied
  ChainHash head{};              ///< the head both servers hold
  absl::Duration frozen;         ///< how long appends to the chain were refused
};

/// Moves district `chain` from the server the directory file at `directory_path` names to
/// `target_uri` (a PostgreSQL URI without chain=), with proof:
///  0. copy the chain's committed prefix (binary COPY; committed rows never change) into
///     the target, whose chain row is frozen from then on;
///  1. freeze the chain on the source (jc_chain.frozen): appends there are refused with
///     FAILED_PRECONDITION naming the freeze (an append already committing finishes first);
///  2. copy the events appended since, and the snapshots;
///  3. verify the chain on the target (every hash from the district's genesis, the head,
///     the snapshots) and compare its head with the source's;
///  4. switch the directory (ChainDirectory::save, atomic);
///  5. unfreeze the chain on the target. The source keeps its rows, frozen, with a note
///     of where the chain went (appends there name it).
/// On any failure before step 4 the copy is removed from the target and the source is
/// unfrozen: nothing changed. Errors: NOT_FOUND (chain not in the directory, or not on its
/// server), INVALID_ARGUMENT (bad target URI, the target is the source),
/// FAILED_PRECONDITION (the target already holds events of the chain, the chain is frozen
/// already, no PostgreSQL compiled in), DATA_LOSS (the copy does not verify or its head
/// differs), UNAVAILABLE (a server cannot be reached).
absl::StatusOr<ChainMoveReport> move_chain(const std::string& directory_path, int chain,
                                           const std::string& target_uri, const ChainMoveOptions& options = {});

}  // namespace jiceng
