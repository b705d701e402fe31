// jiceng built where libpq is missing (check.sh configures the consumer with
// CMAKE_DISABLE_FIND_PACKAGE_PostgreSQL): the library still builds and links without it, a
// postgresql:// journal URI is refused saying the backend is not compiled in, and a SQLite
// journal works as ever. Prints one line per check for check.sh; argv[1] is a scratch path.
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "jiceng/journal.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: no_postgres SCRATCH.db\n");
    return 2;
  }
  std::printf("available: %s\n", jiceng::postgres_journal_available() ? "yes" : "no");
  // A URI that names no reachable server: with libpq compiled in this would try to connect.
  const std::string uri = "postgresql:///jiceng?host=/nonexistent-jiceng-socket-dir&chain=320506";
  for (const char* what : {"journal", "engine"}) {
    const absl::Status st = std::string(what) == "journal" ? jiceng::Journal::open(uri).status()
                                                            : jiceng::open_engine(uri).status();
    std::printf("%s: %s: %s\n", what, absl::StatusCodeToString(st.code()).c_str(), std::string(st.message()).c_str());
  }
  auto d = jiceng::open_engine(argv[1]);
  if (!d.ok()) {
    std::printf("sqlite: %s\n", std::string(d.status().message()).c_str());
    return 1;
  }
  auto snap = (*d)->write_snapshot();
  std::printf("sqlite: %s, seq %llu\n", snap.ok() ? "ok" : std::string(snap.status().message()).c_str(),
              static_cast<unsigned long long>((*d)->engine().last_seq()));
  return 0;
}
