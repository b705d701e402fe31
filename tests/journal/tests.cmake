# tests/journal/tests.cmake — extra pieces of the journal tests: the crash-test child
# (a separate executable the test forks, runs and SIGKILLs; it also makes the CLI
# fixtures), and checks of `jiceng replay|verify|snapshot` through ctest.
add_executable(jiceng_journal_crash_child ${PROJECT_SOURCE_DIR}/tests/journal/crash_child/crash_child.cpp)
target_link_libraries(jiceng_journal_crash_child PRIVATE jiceng_journal SQLite::SQLite3 jiceng_warnings)
target_include_directories(jiceng_journal_crash_child PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_compile_definitions(jiceng_journal_crash_child PRIVATE JICENG_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(jiceng_journal_tests jiceng_journal_crash_child)
target_compile_definitions(jiceng_journal_tests PRIVATE
  JICENG_JOURNAL_CRASH_CHILD="$<TARGET_FILE:jiceng_journal_crash_child>")

# The CLI, checked through ctest: a fixture journal made by the child, then the commands.
# The wrapper prints "exit=<code>" so each check sees both the output and the exit code.
if(TARGET jiceng_cli)
  set(jdb ${PROJECT_BINARY_DIR}/journal_cli/fixture.db)
  add_test(NAME journal_cli_fixture COMMAND /bin/sh -c
    "rm -rf \"$1\" && mkdir -p \"$1\" && \"$0\" fixture \"$1/fixture.db\" 40 && \"$0\" fixture \"$1/snapshot.db\" 40 && \"$0\" fixture \"$1/tampered.db\" 12 && \"$0\" tamper \"$1/tampered.db\" 7 && \"$0\" fixture \"$1/forged.db\" 12 && \"$0\" forge \"$1/forged.db\" 0"
    $<TARGET_FILE:jiceng_journal_crash_child> ${PROJECT_BINARY_DIR}/journal_cli)
  set_tests_properties(journal_cli_fixture PROPERTIES LABELS journal FIXTURES_SETUP journal_cli_db)

  function(jiceng_journal_cli name regex)
    add_test(NAME journal_cli_${name}
      COMMAND /bin/sh -c "\"$0\" \"$@\" 2>&1; echo exit=$?" $<TARGET_FILE:jiceng_cli> ${ARGN})
    set_tests_properties(journal_cli_${name} PROPERTIES LABELS journal
      FIXTURES_REQUIRED journal_cli_db PASS_REGULAR_EXPRESSION "${regex}")
  endfunction()

  jiceng_journal_cli(verify_ok
    "^ok: [0-9]+ events \\(seq 1\\.\\.[0-9]+\\), head [0-9a-f]+, 0 snapshots\nexit=0\n$" verify ${jdb})
  jiceng_journal_cli(replay
    "events: seq 1\\.\\.[0-9]+ \\([0-9]+ events, chain verified\\)\nsnapshot: none used\n.*  load_org +1\n.*  set_policy +1\n  sign +[0-9]+\n  submit +40\nstate digest: [0-9a-f]+\nexit=0\n$"
    replay ${jdb})
  jiceng_journal_cli(verify_tampered
    "^jiceng verify: journal .*tampered\\.db: seq 7: hash mismatch: the row's content, or the hash of seq 6 it chains to, was altered[^\n]*\nexit=3\n$"
    verify ${PROJECT_BINARY_DIR}/journal_cli/tampered.db)
  jiceng_journal_cli(replay_tampered "seq 7: hash mismatch.*\nexit=3\n$"
    replay ${PROJECT_BINARY_DIR}/journal_cli/tampered.db)
  # A snapshot rewritten (petitioner R7 as R9) with its digest and row hash recomputed:
  # verify re-derives the state from the events and names it; replay checks its snapshot;
  # verify --fast, which skips that, passes and says so.
  jiceng_journal_cli(verify_forged
    "^jiceng verify: journal .*forged\\.db: snapshot at seq [0-9]+: its state \\(digest [0-9a-f]+\\) is not the state events 1\\.\\.[0-9]+ derive[^\n]*\nexit=3\n$"
    verify ${PROJECT_BINARY_DIR}/journal_cli/forged.db)
  jiceng_journal_cli(replay_forged "^jiceng replay: journal .*forged\\.db: snapshot at seq [0-9]+: its state [^\n]*\nexit=3\n$"
    replay ${PROJECT_BINARY_DIR}/journal_cli/forged.db)
  jiceng_journal_cli(verify_forged_fast
    "^ok: [0-9]+ events .*, 1 snapshot \\(latest at seq [0-9]+\\); snapshot contents not checked \\(--fast\\)\nexit=0\n$"
    verify --fast ${PROJECT_BINARY_DIR}/journal_cli/forged.db)
  jiceng_journal_cli(verify_missing "^jiceng verify: journal /nonexistent/x\\.db: no such file\nexit=2\n$"
    verify /nonexistent/x.db)
  # An auditor's copy on read-only media: the fixture copied into a directory without write
  # bits and read by a user who cannot write there (root ignores permission bits, so as
  # root the commands run as nobody through setpriv); the reader first proves it cannot
  # create a file beside the copy, so the condition is real.
  add_test(NAME journal_cli_read_only_media COMMAND /bin/sh -c [=[
    cli=$0; d=$1/read-only
    [ -d "$d" ] && chmod 755 "$d"; rm -rf "$d"
    mkdir -p "$d" && cp "$1/fixture.db" "$d/" && chmod 444 "$d/fixture.db" && chmod 555 "$d" || exit 2
    as=""
    if [ "$(id -u)" = 0 ]; then
      command -v setpriv >/dev/null || { echo "setpriv is needed to read as a user without write access"; exit 2; }
      as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    if $as touch "$d/probe" 2>/dev/null; then echo "the directory is writable: nothing would be tested"; exit 2; fi
    $as "$cli" verify "$d/fixture.db" && $as "$cli" replay "$d/fixture.db"; echo exit=$?
    ls "$d"]=] $<TARGET_FILE:jiceng_cli> ${PROJECT_BINARY_DIR}/journal_cli)
  set_tests_properties(journal_cli_read_only_media PROPERTIES LABELS journal FIXTURES_REQUIRED journal_cli_db
    PASS_REGULAR_EXPRESSION "^ok: [0-9]+ events \\(seq 1\\.\\.[0-9]+\\), head [0-9a-f]+, 0 snapshots\njournal: .*state digest: [0-9a-f]+\nexit=0\nfixture\\.db\n$")
  # A keyed journal (issue 17, item 6): verify and replay with --key-file; without the key
  # or with another one exit 2; a snapshot forged afterwards (digest and row hash recomputed)
  # fails even the fast verify, naming its MAC, and replay.
  add_test(NAME journal_cli_keyed COMMAND /bin/sh -c [=[
    cli=$0; child=$1; d=$2/keyed
    rm -rf "$d" && mkdir -p "$d" || exit 2
    printf 'a journal key of 32 bytes, say!!' > "$d/key"; printf 'another key of thirty-two bytes!' > "$d/other"
    JICENG_TEST_KEY_FILE=$d/key "$child" fixture "$d/k.db" 12 >/dev/null || exit 2
    "$cli" snapshot --key-file "$d/key" "$d/k.db" >/dev/null && "$cli" verify --key-file "$d/key" "$d/k.db" || exit 4
    "$cli" replay --key-file "$d/key" "$d/k.db" | grep keyed
    "$cli" verify "$d/k.db" 2>&1; echo exit=$?
    "$cli" verify --key-file "$d/other" "$d/k.db" 2>&1; echo exit=$?
    JICENG_TEST_KEY_FILE=$d/key "$child" forge "$d/k.db" 0 >/dev/null || exit 5
    "$cli" verify --fast --key-file "$d/key" "$d/k.db" 2>&1; echo exit=$?
    "$cli" replay --key-file "$d/key" "$d/k.db" 2>&1; echo exit=$?]=]
    $<TARGET_FILE:jiceng_cli> $<TARGET_FILE:jiceng_journal_crash_child> ${PROJECT_BINARY_DIR}/journal_cli)
  set_tests_properties(journal_cli_keyed PROPERTIES LABELS journal
    PASS_REGULAR_EXPRESSION "^ok: [0-9]+ events [^\n]*, 1 snapshot \\(latest at seq [0-9]+\\); their states re-derived from the events; keyed: the head's and every snapshot's MAC checked\nkeyed: the head's and the snapshot's MACs checked\njiceng verify: journal [^\n]*k\\.db: the journal is keyed \\(hmac-sha256/1\\): open it with its key[^\n]*\nexit=2\njiceng verify: journal [^\n]*: the MAC key is not this journal's key[^\n]*\nexit=2\njiceng verify: journal [^\n]*: snapshot at seq [0-9]+: its MAC does not match[^\n]*\nexit=3\njiceng replay: journal [^\n]*: snapshot at seq [0-9]+: its MAC does not match[^\n]*\nexit=3\n$")
  # --min-seq on the reading commands (read-your-writes across servers, docs/postgres.md):
  # at the journal's last seq they answer; one past it they wait --wait seconds, then exit 2
  # naming the seq and where the journal is, writing nothing.
  add_test(NAME journal_cli_min_seq COMMAND /bin/sh -c [=[
    cli=$0; db=$1; out=$2/min-seq
    rm -rf "$out"
    n=$("$cli" replay "$db" | sed -n 's/^events: seq 1\.\.\([0-9]*\) .*/\1/p')
    [ -n "$n" ] || exit 4
    "$cli" report "$db" --format json --min-seq "$n" >/dev/null && "$cli" petition show "$db" 1 --min-seq "$n" >/dev/null &&
      "$cli" export open311 "$db" --out "$out" --min-seq "$n" >/dev/null && echo "at seq $n: ok"
    rm -rf "$out"
    "$cli" report "$db" --min-seq $((n + 1)) --wait 0.3 2>&1; echo exit=$?
    "$cli" petition show "$db" 1 --min-seq $((n + 1)) --wait 0 2>&1; echo exit=$?
    "$cli" export open311 "$db" --out "$out" --min-seq $((n + 1)) --wait 0 2>&1; echo exit=$?
    [ -e "$out" ] && echo "export wrote $out"
    "$cli" report "$db" --min-seq 1 --wait 3601 >/dev/null 2>&1; echo exit=$?
    # petition party: its journal is optional; --min-seq waits on it, and needs one.
    p="petition party --category property --location H-C02B01-0301"
    "$cli" $p "$db" --min-seq "$n" | grep -o '"listed":"property_company"'
    "$cli" $p "$db" --min-seq $((n + 1)) --wait 0 2>&1; echo exit=$?
    "$cli" $p --min-seq 1 2>&1; echo exit=$?]=]
    $<TARGET_FILE:jiceng_cli> ${jdb} ${PROJECT_BINARY_DIR}/journal_cli)
  set_tests_properties(journal_cli_min_seq PROPERTIES LABELS journal FIXTURES_REQUIRED journal_cli_db
    PASS_REGULAR_EXPRESSION "^at seq ([0-9]+): ok\njiceng report: journal [^\n]*fixture\\.db: seq [0-9]+ not reached within 300ms \\(the engine is at seq [0-9]+\\)\nexit=2\njiceng petition show: journal [^\n]*: seq [0-9]+ not reached within 0 \\(the engine is at seq [0-9]+\\)\nexit=2\njiceng export open311: journal [^\n]*: seq [0-9]+ not reached within 0 [^\n]*\nexit=2\nexit=2\n\"listed\":\"property_company\"\njiceng petition party: journal [^\n]*fixture\\.db: seq [0-9]+ not reached within 0 \\(the engine is at seq [0-9]+\\)\nexit=2\njiceng petition party: --min-seq needs a journal \\(DB\\)[^\n]*\nexit=2\n$")
  # Snapshot, then replay from it and from the start: same digest. It writes to a journal of
  # its own, so the checks above (which expect no snapshot) can run beside it.
  add_test(NAME journal_cli_snapshot_digests COMMAND /bin/sh -c
    "\"$0\" snapshot \"$1\" && a=$(\"$0\" replay \"$1\" | grep -e 'snapshot: seq' -e digest) && b=$(\"$0\" replay --from-start \"$1\" | grep digest) && echo \"$a\" && echo \"$b\" && [ \"$(echo \"$a\" | grep digest)\" = \"$b\" ] && \"$0\" verify \"$1\""
    $<TARGET_FILE:jiceng_cli> ${PROJECT_BINARY_DIR}/journal_cli/snapshot.db)
  set_tests_properties(journal_cli_snapshot_digests PROPERTIES LABELS journal
    FIXTURES_REQUIRED journal_cli_db
    PASS_REGULAR_EXPRESSION "snapshot: seq [0-9]+ \\(checked against the events\\)\nstate digest: ([0-9a-f]+)\nstate digest: [0-9a-f]+\nok: .*1 snapshot \\(latest at seq [0-9]+\\); their states re-derived from the events\n")
endif()

# The PostgreSQL journal against a real PostgreSQL 15: a throwaway cluster (initdb as the
# `postgres` OS user into a temporary directory, Unix socket only) is started before these
# tests and removed after them (fixture jiceng_pg). Only when libpq was found.
if(JICENG_HAVE_POSTGRESQL)
  string(MD5 _pg_tag "${PROJECT_BINARY_DIR}")
  string(SUBSTRING "${_pg_tag}" 0 10 _pg_tag)
  set(JICENG_PG_DIR /tmp/jiceng-pg-${_pg_tag})
  set(JICENG_PG_DIR ${JICENG_PG_DIR} PARENT_SCOPE)  # for capi_python_postgres (capi/CMakeLists.txt)
  set(_pg_cluster ${PROJECT_SOURCE_DIR}/tests/journal/pg/pg_cluster.sh)
  add_test(NAME pg_cluster_start COMMAND ${_pg_cluster} start ${JICENG_PG_DIR})
  add_test(NAME pg_cluster_stop COMMAND ${_pg_cluster} stop ${JICENG_PG_DIR})
  set_tests_properties(pg_cluster_start PROPERTIES FIXTURES_SETUP jiceng_pg LABELS "journal;postgres")
  set_tests_properties(pg_cluster_stop PROPERTIES FIXTURES_CLEANUP jiceng_pg LABELS "journal;postgres")

  add_executable(jiceng_journal_pg_child ${PROJECT_SOURCE_DIR}/tests/journal/pg/pg_child/pg_child.cpp)
  target_link_libraries(jiceng_journal_pg_child PRIVATE jiceng_journal jiceng_warnings)
  target_include_directories(jiceng_journal_pg_child PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(jiceng_journal_pg_child PRIVATE JICENG_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  file(GLOB _pg_test_srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/journal/pg/*.cpp)
  add_executable(jiceng_journal_pg_tests ${_pg_test_srcs})
  target_link_libraries(jiceng_journal_pg_tests PRIVATE jiceng_journal GTest::gtest GTest::gmock GTest::gtest_main
    jiceng_warnings jiceng_test_flags)
  target_include_directories(jiceng_journal_pg_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(jiceng_journal_pg_tests PRIVATE JICENG_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    JICENG_PG_CHILD="$<TARGET_FILE:jiceng_journal_pg_child>")
  add_dependencies(jiceng_journal_pg_tests jiceng_journal_pg_child)
  add_test(NAME journal_postgres COMMAND jiceng_journal_pg_tests --gtest_brief=1)
  set_tests_properties(journal_postgres PROPERTIES LABELS "journal;postgres" TIMEOUT 900
    FIXTURES_REQUIRED jiceng_pg ENVIRONMENT JICENG_PG_DIR=${JICENG_PG_DIR})
endif()

# The CLI on a PostgreSQL journal: verify, snapshot, replay, report, export open311,
# petition show, matter list, petition needs, commitments board (with --min-seq) and whatif by URI in a database of their own (the tests above use the
# same cluster), then a row edited behind its back.
if(JICENG_HAVE_POSTGRESQL AND TARGET jiceng_cli)
  add_test(NAME journal_cli_postgres COMMAND /bin/sh -c [=[
    cli=$0; child=$1; dir=$2; out=$3
    export PGOPTIONS='-c client_min_messages=warning'
    admin=$(cat "$dir/uri"); base=$(echo "$admin" | sed 's#/jiceng_test?#/jiceng_cli?#')
    psql -q "$admin" -c 'DROP DATABASE IF EXISTS jiceng_cli' -c 'CREATE DATABASE jiceng_cli' || exit 2
    uri="$base&chain=320506"
    "$child" fixture "$uri" 30 >/dev/null || exit 3
    "$cli" verify "$uri" && "$cli" snapshot "$uri" >/dev/null && "$cli" replay "$uri" | grep -e 'snapshot: seq' -e digest
    # The reading commands by URI, with --min-seq at the chain's head and one past it.
    n=$("$cli" replay "$uri" | sed -n 's/^events: seq 1\.\.\([0-9]*\) .*/\1/p')
    rm -rf "$out" && mkdir -p "$out" || exit 2
    "$cli" report "$uri" --format json --min-seq "$n" > "$out/report.json" && grep -q '"ranking"' "$out/report.json" && echo "report: ok"
    "$cli" export open311 "$uri" --out "$out/open311" --min-seq "$n" | sed "s#$out/open311/##g"
    "$cli" petition show "$uri" 1 --min-seq "$n" | grep -o '^{"id":"P00000001"'
    "$cli" petition show "$uri" 1 --min-seq $((n + 1)) --wait 0.2 2>&1; echo exit=$?
    # The other reading commands take it too (one loop query, one petition list); a --min-seq
    # that is not a seq is refused before the journal is read, and the chain is as it was.
    "$cli" matter list "$uri" --min-seq "$n" | grep -o '^{"items":'
    "$cli" petition needs "$uri" --min-seq "$n" | head -1
    "$cli" commitments board "$uri" --min-seq $((n + 1)) --wait 0 2>&1; echo exit=$?
    h=$("$cli" verify "$uri")
    "$cli" petition needs "$uri" --min-seq -1 2>&1 | head -1; "$cli" matter list "$uri" --min-seq x >/dev/null 2>&1; echo exit=$?
    [ "$("$cli" verify "$uri")" = "$h" ] && echo "unchanged"
    "$cli" whatif "$uri" --policy national --out "$out/whatif" >/dev/null && [ -s "$out/whatif/whatif.json" ] && echo "whatif: ok"
    psql -q "$base" -c "UPDATE jc_events SET payload = payload || '\x00'::bytea WHERE chain = 320506 AND seq = 7" || exit 2
    "$cli" verify "$uri" 2>&1; echo exit=$?]=]
    $<TARGET_FILE:jiceng_cli> $<TARGET_FILE:jiceng_journal_crash_child> ${JICENG_PG_DIR} ${PROJECT_BINARY_DIR}/journal_cli_pg)
  set_tests_properties(journal_cli_postgres PROPERTIES LABELS "journal;postgres" FIXTURES_REQUIRED jiceng_pg
    PASS_REGULAR_EXPRESSION "^ok: [0-9]+ events \\(seq 1\\.\\.[0-9]+\\), head [0-9a-f]+, 0 snapshots\nsnapshot: seq [0-9]+[^\n]*\nstate digest: [0-9a-f]+\nreport: ok\nwrote 30 requests to requests\\.json and [0-9]+ services to services\\.json\n{\"id\":\"P00000001\"\njiceng petition show: journal postgresql:///jiceng_cli[^\n]*: seq [0-9]+ not reached within 200ms \\(the engine is at seq [0-9]+\\)\nexit=2\n{\"items\":\nrank\tpetition\tpriority\tsupporters\tcategory\tstate\tlocation_unit\njiceng commitments board: journal postgresql:///jiceng_cli[^\n]*: seq [0-9]+ not reached within 0 \\(the engine is at seq [0-9]+\\)\nexit=2\n--min-seq: expected a seq \\(a whole number, 0 or more\\), got \"-1\"\nexit=2\nunchanged\nwhatif: ok\njiceng verify: journal postgresql:///jiceng_cli[^\n]* chain 320506: seq 7: hash mismatch[^\n]*\nexit=3\n$")
endif()

# `jiceng demo --journal URI`: the demo's district (吴中区, 320506) on PostgreSQL; the chain
# then verifies by URI, and a second run refuses the chain it already filled.
if(JICENG_HAVE_POSTGRESQL AND TARGET jiceng_cli)
  add_test(NAME journal_demo_postgres COMMAND /bin/sh -c [=[
    cli=$0; dir=$1; out=$2
    export PGOPTIONS='-c client_min_messages=warning'
    admin=$(cat "$dir/uri"); uri=$(echo "$admin" | sed 's#/jiceng_test?#/jiceng_demo?#')
    psql -q "$admin" -c 'DROP DATABASE IF EXISTS jiceng_demo' -c 'CREATE DATABASE jiceng_demo' || exit 2
    rm -rf "$out"
    "$cli" demo --days 3 --quiet --out "$out" --journal "$uri" >/dev/null || exit 3
    [ -e "$out/journal.sqlite" ] && { echo "a SQLite journal was written too"; exit 4; }
    "$cli" verify "$uri&chain=320506"
    "$cli" demo --days 3 --quiet --out "$out" --journal "$uri" 2>&1; echo exit=$?]=]
    $<TARGET_FILE:jiceng_cli> ${JICENG_PG_DIR} ${PROJECT_BINARY_DIR}/journal_demo_pg)
  set_tests_properties(journal_demo_postgres PROPERTIES LABELS "journal;postgres" FIXTURES_REQUIRED jiceng_pg
    PASS_REGULAR_EXPRESSION "^ok: [0-9]+ events \\(seq 1\\.\\.[0-9]+\\), head [0-9a-f]+, 0 snapshots\njiceng demo: demo: postgresql://[^\n]* already holds [0-9]+ events; the demo needs an empty chain\nexit=2\n$")
endif()
