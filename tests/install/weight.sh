#!/bin/sh
# weight.sh SOURCE_DIR WORK_DIR — what an install weighs (ctest `install_weight`):
#   - a plain configure (no build type given) is a Release build: no debug information in
#     the installed libjiceng.so or the archives;
#   - `scripts/dev demo` installs only what the main job needs: no browser, no clang/LLVM,
#     no Doxygen, no test frameworks (those are `scripts/dev test`'s).
set -eu
src=$1 work=$2
fail=0
rm -rf "$work"
unset CMAKE_BUILD_TYPE  # CMake takes a default build type from the environment too
cmake -S "$src" -B "$work" -DJICENG_BUILD_TESTS=OFF -DJICENG_BUILD_BENCH=OFF -DJICENG_BUILD_CLI=OFF \
  > "$work.log" 2>&1 || { cat "$work.log"; echo "FAIL: configure"; exit 1; }
bt=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$work/CMakeCache.txt")
if [ "$bt" = Release ]; then echo "ok: default build type Release"; else echo "FAIL: default build type '$bt'"; fail=1; fi
demo=$(bash "$src/scripts/dev" deps --list demo)
heavy=$(printf '%s\n' "$demo" | grep -E '^(chromium|clang|llvm|libclang|doxygen|libgtest|libgmock|libbenchmark|abigail|fonts-)' || true)
if [ -n "$heavy" ]; then echo "FAIL: scripts/dev demo would install: $heavy"; fail=1; else echo "ok: scripts/dev demo installs $(printf '%s\n' "$demo" | wc -l) packages, none for tests or docs"; fi
tests=$(bash "$src/scripts/dev" deps --list test)
for p in libgtest-dev python3-pycparser python3-wheel libutf8proc-dev; do
  printf '%s\n' "$tests" | grep -qx "$p" || { echo "FAIL: scripts/dev test does not install $p"; fail=1; }
done
rm -rf "$work" "$work.log"
exit $fail
