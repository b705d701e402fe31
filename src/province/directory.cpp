// The chain directory (链目录): county code → the PostgreSQL server holding that
// district's chain, as a small text file written atomically (docs/province.md).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/strings.hpp"
#include "jiceng/province.hpp"
#include "journal/pg_journal.hpp"

namespace jiceng {

using internal::cat;

absl::StatusOr<int> parse_county_code(std::string_view text, std::string_view what) {
  // No province code starts with 0 (11-82); a leading zero would also be lost when the
  // code is kept as a number and written back.
  bool ok = text.size() == 6 && text.front() != '0';
  for (char c : text) ok = ok && c >= '0' && c <= '9';
  ok = ok && text.substr(4) != "00";
  if (!ok) {
    return absl::InvalidArgumentError(
        cat(what, ": \"", text, "\" is not a county-level division code (区/县: 6 digits, not starting with 0 or ending in 00, e.g. 320506)"));
  }
  int v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return v;
}

namespace {

absl::Status check_server_uri(std::string_view uri, std::string_view what) {
  // libpq takes a C string: a NUL would cut the URI short (another server or database),
  // and no control character belongs in a URI.
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const auto b = static_cast<unsigned char>(uri[i]);
    if (b < 0x20 || b == 0x7f) {
      return absl::InvalidArgumentError(
          cat(what, ": a control character (byte ", static_cast<int>(b), ") at byte ", i + 1, " of the URI"));
    }
  }
  if (!is_postgres_uri(uri)) {
    return absl::InvalidArgumentError(
        cat(what, ": \"", internal::redact_uri(uri), "\" is not a PostgreSQL URI (postgresql://… or postgres://…)"));
  }
  const std::size_t q = uri.find('?');
  if (q != std::string_view::npos) {
    const std::string_view query = uri.substr(q);
    if (query.starts_with("?chain=") || query.find("&chain=") != std::string_view::npos) {
      return absl::InvalidArgumentError(cat(what, ": ", internal::redact_uri(uri),
                                            " names a chain; the directory names the server only and adds chain="));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ChainDirectory> ChainDirectory::parse(std::string_view text, std::string_view where) {
  ChainDirectory dir;
  int line_no = 0;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM some editors write
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const std::string at = cat(where, ":", line_no);
    std::size_t sep = 0;
    while (sep < line.size() && !blank(line[sep])) ++sep;
    const std::string_view code = line.substr(0, sep);
    std::string_view uri = line.substr(sep);
    while (!uri.empty() && blank(uri.front())) uri.remove_prefix(1);
    if (uri.empty()) return absl::InvalidArgumentError(cat(at, ": expected \"CODE URI\", got \"", line, "\""));
    for (char c : uri) {
      if (blank(c)) return absl::InvalidArgumentError(cat(at, ": expected \"CODE URI\" (one URI, no blanks in it)"));
    }
    JICENG_ASSIGN_OR_RETURN(const int chain, parse_county_code(code, at));
    if (dir.entries_.contains(chain)) return absl::InvalidArgumentError(cat(at, ": chain ", chain, " is listed twice"));
    JICENG_RETURN_IF_ERROR(check_server_uri(uri, at));
    dir.entries_.emplace(chain, std::string(uri));
  }
  return dir;
}

absl::StatusOr<ChainDirectory> ChainDirectory::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(cat("chain directory ", path, ": cannot be read (", std::strerror(errno), ")"));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), cat("chain directory ", path));
}

std::string ChainDirectory::to_text() const {
  std::string out = "# jiceng chain directory: county code, then the PostgreSQL server of its chain\n";
  for (const auto& [chain, uri] : entries_) out += cat(chain, " ", uri, "\n");
  return out;
}

absl::Status ChainDirectory::save(const std::string& path) const {
  // Written beside the file, then renamed over it: a reader sees the old or the new one.
  const std::string tmp = cat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << to_text();
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return absl::UnavailableError(cat("chain directory ", path, ": cannot write ", tmp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return absl::UnavailableError(cat("chain directory ", path, ": cannot replace it: ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status ChainDirectory::set(int chain, std::string_view uri) {
  JICENG_RETURN_IF_ERROR(parse_county_code(std::to_string(chain), "chain").status());
  JICENG_RETURN_IF_ERROR(check_server_uri(uri, cat("chain ", chain)));
  entries_[chain] = std::string(uri);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ChainDirectory::server(int chain) const {
  auto it = entries_.find(chain);
  if (it == entries_.end()) return absl::NotFoundError(cat("chain ", chain, " is not in the chain directory"));
  return it->second;
}

absl::StatusOr<std::string> ChainDirectory::journal_uri(int chain) const {
  JICENG_ASSIGN_OR_RETURN(std::string uri, server(chain));
  return cat(uri, uri.find('?') == std::string::npos ? "?" : "&", "chain=", chain);
}

}  // namespace jiceng
