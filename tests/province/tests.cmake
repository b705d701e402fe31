# The province tests run on two PostgreSQL clusters: the journal tests' (fixture jiceng_pg)
# and a second one of their own (fixture jiceng_pg_b, its own directory and socket), each in
# databases of their own, so they run beside the other PostgreSQL tests.
if(JICENG_HAVE_POSTGRESQL AND TARGET ${target}_tests)
  string(MD5 _pgb_tag "${PROJECT_BINARY_DIR}-b")
  string(SUBSTRING "${_pgb_tag}" 0 10 _pgb_tag)
  set(JICENG_PG_DIR_B /tmp/jiceng-pg-${_pgb_tag})
  set(_pg_cluster ${PROJECT_SOURCE_DIR}/tests/journal/pg/pg_cluster.sh)
  add_test(NAME pg_cluster_b_start COMMAND ${_pg_cluster} start ${JICENG_PG_DIR_B})
  add_test(NAME pg_cluster_b_stop COMMAND ${_pg_cluster} stop ${JICENG_PG_DIR_B})
  set_tests_properties(pg_cluster_b_start PROPERTIES FIXTURES_SETUP jiceng_pg_b LABELS "province;postgres")
  set_tests_properties(pg_cluster_b_stop PROPERTIES FIXTURES_CLEANUP jiceng_pg_b LABELS "province;postgres")
  target_compile_definitions(${target}_tests PRIVATE JICENG_TEST_PG=1)
  set_tests_properties(province PROPERTIES LABELS "province;postgres" FIXTURES_REQUIRED "jiceng_pg;jiceng_pg_b"
    ENVIRONMENT "JICENG_PG_DIR=${JICENG_PG_DIR};JICENG_PG_DIR_B=${JICENG_PG_DIR_B}")
endif()

# `jiceng chain list|kpi|move --directory FILE` over the two clusters: a district filled on
# the first, listed, its KPIs merged, moved to the second (verified there, the directory
# switched), then a move the target refuses, which changes nothing.
if(JICENG_HAVE_POSTGRESQL AND TARGET jiceng_cli AND TARGET ${target}_tests)
  add_test(NAME province_cli_chain COMMAND /bin/sh -c [=[
    cli=$0; child=$1; dira=$2; dirb=$3; out=$4
    export PGOPTIONS='-c client_min_messages=warning'
    a=$(cat "$dira/uri"); b=$(cat "$dirb/uri")
    ua=$(echo "$a" | sed 's#/jiceng_test?#/jiceng_chain_cli?#'); ub=$(echo "$b" | sed 's#/jiceng_test?#/jiceng_chain_cli?#')
    for u in "$a" "$b"; do psql -q "$u" -c 'DROP DATABASE IF EXISTS jiceng_chain_cli' -c 'CREATE DATABASE jiceng_chain_cli' || exit 2; done
    rm -rf "$out" && mkdir -p "$out" || exit 2
    "$child" fixture "$ua&chain=320506" 20 >/dev/null || exit 3
    printf '# test\n320506 %s\n' "$ua" > "$out/chains"
    "$cli" chain list --directory "$out/chains" | sed 's/\thead [0-9a-f]*\t.*//'
    "$cli" chain kpi --directory "$out/chains" > "$out/kpi.json" || exit 4
    grep -o '^{"province":{"unit":"","unit_name":"全省"' "$out/kpi.json"; grep -o '"received":[0-9]*' "$out/kpi.json" | tr '\n' ' '; echo
    "$cli" chain move --directory "$out/chains" 320506 "$ub" | sed -n 1p | sed 's/head seq \([0-9]*\) [0-9a-f]*/head seq \1/'
    grep -c "320506 $ub" "$out/chains"
    "$cli" verify "$ub&chain=320506" | cut -c1-3
    cp "$out/chains" "$out/before"
    "$cli" chain move --directory "$out/chains" 320506 "$ua" > "$out/refused" 2>&1; rc=$?
    sed 's/postgresql:[^ ]*/URI/' "$out/refused"; echo exit=$rc
    cmp -s "$out/chains" "$out/before" && echo unchanged
    "$cli" chain move --directory "$out/chains" 3205 "$ua" 2>&1; echo exit=$?
    # A transfer: to a district the directory does not list; then (320508 added, on the first
    # server) of a petition already accepted — both refused, neither chain changed.
    x="--actor D-officer --role district_officer --unit 320506 --reason x --now 1800000000"
    h=$("$cli" chain list --directory "$out/chains")
    "$cli" chain transfer --directory "$out/chains" 320506 2 320508 $x 2>&1; echo exit=$?
    printf '320508 %s\n' "$ua" >> "$out/chains"
    "$cli" chain transfer --directory "$out/chains" 320506 2 320508 $x 2>&1; echo exit=$?
    [ "$("$cli" chain list --directory "$out/chains" | head -1)" = "$h" ] && echo unchanged]=]
    $<TARGET_FILE:jiceng_cli> $<TARGET_FILE:jiceng_journal_crash_child> ${JICENG_PG_DIR} ${JICENG_PG_DIR_B}
    ${PROJECT_BINARY_DIR}/province_cli)
  set_tests_properties(province_cli_chain PROPERTIES LABELS "province;postgres" FIXTURES_REQUIRED "jiceng_pg;jiceng_pg_b"
    PASS_REGULAR_EXPRESSION "^320506\tseq [0-9]+\n{\"province\":{\"unit\":\"\",\"unit_name\":\"全省\"\n\"received\":20 \"received\":20 \nmoved chain 320506: [0-9]+ events, 0 snapshots, head seq [0-9]+ verified on the target\n1\nok:\njiceng chain move: chain move: URI holds [0-9]+ events of chain 320506 already. nothing was moved\nexit=2\nunchanged\njiceng chain move: CHAIN: \"3205\" is not a county-level division code[^\n]*\nexit=2\njiceng chain transfer: district 320508 is not in the chain directory [^\n]*\nexit=2\njiceng chain transfer: transfer: petition P00000002 of district 320506 is accepted. only a petition not yet accepted \\(received\\) moves to another district\nexit=2\nunchanged\n$")
endif()
