#!/bin/sh
# check.sh SOURCE_DIR WORK_DIR [COMPILER_LAUNCHER] — jiceng as a dependency (ctest `consumer`).
#
# Configures and builds tests/consumer (add_subdirectory of jiceng, the consumer's own
# flags), then checks, failing with the reason. The build type is
# $JICENG_CONSUMER_BUILD_TYPE: by default none (no optimisation: this test builds the whole
# library a second time, and unoptimised that takes half as long); Release to measure the
# stripped size below.
#   - the consumer's flags reach its sources and jiceng puts no -Werror on any compile
#     line (its own included: JICENG_WERROR is off for a subproject);
#   - no compile line carries the checkout's path (JICENG_SOURCE_DIR is for tests only);
#   - jiceng adds no test, benchmark or command to the consumer's build;
#   - the program that only submits a petition runs, and neither it nor anything it links
#     holds a demo, simulation or HTML symbol (nm -C);
#   - the link of that program names no application archive (libjiceng_demo.a,
#     libjiceng_report.a): jiceng::jiceng does not carry them;
#   - its stripped size (Release only) is printed beside the same program's before the split.
#     Not asserted: static archives give a program only the objects it references, so the
#     demo was never in it, and the engine it does hold grows with the domain.
#   - the build is one without libpq (configured with CMAKE_DISABLE_FIND_PACKAGE_PostgreSQL,
#     as on a machine without libpq-dev): configuring says the PostgreSQL journal is not
#     compiled in, no compile or link line names libpq, the program that opens journals
#     (no_postgres.cpp) needs no libpq, is refused a postgresql:// URI with
#     FAILED_PRECONDITION saying the backend is not compiled in, and keeps a SQLite journal.
# The words are matched as words: the policy rule democratic_review (民主评议) is domain.
set -eu
src=$1 work=$2 launcher=${3:-}
# The same tests/consumer program built at 9e117de (the commit before the split), Release,
# GCC 12, Debian 12, then `strip`. (Static archives contribute only the objects a program
# references, so the demo was not in it even then; what it holds is the engine, the policy
# evaluator, the org graph and the calendar that Engine::create and submit reach.)
before_stripped=1236856
rm -rf "$work"
mkdir -p "$work"
build_type=${JICENG_CONSUMER_BUILD_TYPE:-}
set -- -S "$src/tests/consumer" -B "$work/build" -DJICENG_DIR="$src" -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_DISABLE_FIND_PACKAGE_PostgreSQL=ON
if command -v ninja >/dev/null 2>&1; then set -- "$@" -G Ninja; fi
if [ -n "$launcher" ]; then set -- "$@" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" -DCMAKE_C_COMPILER_LAUNCHER="$launcher"; fi
cmake "$@" > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; echo "FAIL: configure"; exit 1; }
cmake --build "$work/build" -j 2 --target submit_only no_postgres > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; echo "FAIL: build"; exit 1; }
fail=0
cc="$work/build/compile_commands.json"
if ! grep '"command"' "$cc" | grep 'submit_only.cpp' | grep -q -- '-DJICENG_CONSUMER_OWN_FLAGS'; then
  echo "FAIL: the consumer's own flags are not on its compile line"; fail=1
fi
if grep '"command"' "$cc" | grep -q -- '-Werror'; then
  echo "FAIL: -Werror on a compile line of the consumer's build:"; grep '"command"' "$cc" | grep -- '-Werror' | head -3; fail=1
fi
if grep -q 'unused parameter' "$work/build.log"; then
  echo "ok: the consumer's deliberate warning is a warning, not an error"
else
  echo "FAIL: the consumer's deliberate -Wunused-parameter warning did not show (flags not applied?)"; fail=1
fi
if grep '"command"' "$cc" | grep -q -- 'JICENG_SOURCE_DIR'; then
  echo "FAIL: a library compile line carries the checkout's path (JICENG_SOURCE_DIR)"; fail=1
fi
tests=$(cd "$work/build" && ctest -N | sed -n 's/^Total Tests: //p')
if [ "$tests" != 0 ]; then echo "FAIL: the consumer's build registers $tests tests (jiceng's?)"; fail=1; fi
extra=$(cmake --build "$work/build" --target help | grep -E '_tests|_bench|jiceng_cli|jiceng_demo|jiceng_report' || true)
if [ -n "$extra" ]; then echo "FAIL: jiceng adds targets to its consumer:"; echo "$extra"; fail=1; fi
out=$("$work/build/submit_only") || { echo "FAIL: submit_only exited non-zero"; exit 1; }
[ "$out" = submitted ] || { echo "FAIL: submit_only printed '$out'"; fail=1; }
syms=$(nm -C "$work/build/submit_only" | grep -E "$(cat "$src/tests/capi/app_symbols.re")" || true)
if [ -n "$syms" ]; then echo "FAIL: demo, simulation or HTML symbols in submit_only:"; echo "$syms" | head; fail=1; fi
if [ "$build_type" = Release ]; then
  strip -o "$work/submit_only.stripped" "$work/build/submit_only"
  size=$(wc -c < "$work/submit_only.stripped")
  echo "submit_only stripped: $size bytes now, $before_stripped bytes before the split (ratio $(awk "BEGIN{printf \"%.3f\", $before_stripped/$size}"))"
fi
link=$(find "$work/build" -name link.txt -path '*submit_only*' -exec cat {} + 2>/dev/null; \
  grep -A3 'build submit_only' "$work/build/build.ninja" 2>/dev/null || true)
[ -n "$link" ] || { echo "FAIL: cannot find submit_only's link command"; fail=1; }
if printf '%s' "$link" | grep -q -E 'jiceng_(demo|report)'; then
  echo "FAIL: submit_only's link names an application archive"; fail=1
fi
# Without libpq.
if ! grep -q 'PostgreSQL journal NOT compiled in (libpq not found' "$work/configure.log"; then
  echo "FAIL: configuring without libpq did not say the PostgreSQL journal is not compiled in"; fail=1
fi
if grep -q -E 'libpq|-lpq|JICENG_HAVE_LIBPQ|include/postgresql' "$work/build/build.ninja"; then
  echo "FAIL: the build without libpq names it:"; grep -o -E '[^ ]*(libpq|-lpq|JICENG_HAVE_LIBPQ|include/postgresql)[^ ]*' "$work/build/build.ninja" | sort -u | head -3; fail=1
fi
if readelf -d "$work/build/no_postgres" | grep NEEDED | grep -q libpq; then
  echo "FAIL: no_postgres needs libpq"; fail=1
fi
np=$("$work/build/no_postgres" "$work/no_postgres.db") || { echo "FAIL: no_postgres exited non-zero: $np"; fail=1; }
echo "$np"
printf '%s\n' "$np" | grep -q '^available: no$' || { echo "FAIL: postgres_journal_available() is not false"; fail=1; }
for what in journal engine; do
  printf '%s\n' "$np" | grep -q "^$what: FAILED_PRECONDITION: .*the PostgreSQL journal is not compiled in" ||
    { echo "FAIL: opening a postgresql:// URI ($what) did not say the journal is not compiled in"; fail=1; }
done
printf '%s\n' "$np" | grep -q '^sqlite: ok, seq [1-9]' || { echo "FAIL: a SQLite journal did not work without libpq"; fail=1; }
[ $fail = 0 ] && echo "ok: jiceng as a dependency, built without libpq"
exit $fail
