#!/bin/sh
# check.sh SOURCE_DIR BUILD_DIR WORK_DIR PYTHON — the quick starts against a fresh install
# prefix (ctest `install_quickstarts`), as docs/getting-started-*.md give them:
#   cmake --install BUILD --prefix WORK/prefix (every component), then
#   C      examples/c/quickstart.c through pkg-config jiceng-c, and through a C-only CMake
#          project (examples/c-cmake: project(x C), jiceng::c, no C++ dependency looked up);
#   C++    examples/cpp through find_package(jiceng), and through pkg-config jiceng;
#   Python examples/python/quickstart.py from the installed package, no JICENG_LIBRARY;
#          and the wheel, built offline, installed into a plain venv.
set -eu
src=$1 build=$2 work=$3 python=$4
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
step() { echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }

step "install into $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
lib=$(dirname "$(find "$prefix" -name 'libjiceng.so.*' -type f | head -1)")
[ -d "$lib" ] || fail "no libjiceng.so.* under $prefix"
pcdir=$lib/pkgconfig
[ -f "$pcdir/jiceng.pc" ] && [ -f "$pcdir/jiceng-c.pc" ] || fail "no pkg-config files in $pcdir"
! grep -rq "jiceng_warnings\|Werror" "$lib/cmake/jiceng" || fail "the installed CMake package carries jiceng_warnings or -Werror"

step "pkg-config follows the prefix"
export PKG_CONFIG_PATH="$pcdir"
for pc in jiceng-c jiceng; do
  p=$(pkg-config --variable=prefix $pc)
  [ "$(cd "$p" && pwd -P)" = "$(cd "$prefix" && pwd -P)" ] || fail "$pc.pc prefix $p is not $prefix"
done
case "$(pkg-config --cflags jiceng)" in *-std=*) fail "jiceng.pc forces a language standard";; esac
libs=$(pkg-config --libs jiceng)
for l in -ljiceng_petition -labsl_statusor -labsl_status -labsl_str_format_internal -labsl_strings -labsl_synchronization \
         -labsl_int128 -lsqlite3 -lcrypto -licui18n -lerfa -lboost_json; do
  case " $libs " in *" $l "*) ;; *) fail "pkg-config --libs jiceng lacks $l: $libs";; esac
done

step "C through pkg-config jiceng-c"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror "$src/examples/c/quickstart.c" $(pkg-config --cflags --libs jiceng-c) \
  -Wl,-rpath,"$lib" -o "$work/quickstart_c"
"$work/quickstart_c" | tee "$work/c.out"
grep -q "petition 1 submitted" "$work/c.out" || fail "C quick start output"

step "C through a C-only CMake project (jiceng::c)"
cmake -S "$src/examples/c-cmake" -B "$work/c-cmake" -DCMAKE_PREFIX_PATH="$prefix" > "$work/c-cmake.log" 2>&1 \
  || { cat "$work/c-cmake.log"; fail "C-only CMake configure"; }
! grep -Eq '^(absl|Boost|OpenSSL|SQLite3|ICU|GTest)_DIR:|^Boost_INCLUDE_DIR:|^SQLite3_INCLUDE_DIR:' "$work/c-cmake/CMakeCache.txt" \
  || fail "the C-only consumer looked up a C++ dependency"
cmake --build "$work/c-cmake" > "$work/c-cmake-build.log" 2>&1 || { cat "$work/c-cmake-build.log"; fail "C-only CMake build"; }
"$work/c-cmake/quickstart" | grep "petition 1 submitted"

step "C++ through find_package(jiceng)"
cmake -S "$src/examples/cpp" -B "$work/cpp" -DCMAKE_PREFIX_PATH="$prefix" > "$work/cpp.log" 2>&1 \
  || { cat "$work/cpp.log"; fail "C++ CMake configure"; }
cmake --build "$work/cpp" > "$work/cpp-build.log" 2>&1 || { cat "$work/cpp-build.log"; fail "C++ CMake build"; }
"$work/cpp/quickstart" | tee "$work/cpp.out"
grep -q "petition 1 submitted" "$work/cpp.out" || fail "C++ quick start output"

step "C++ through pkg-config jiceng"
# shellcheck disable=SC2046
c++ -std=c++20 "$src/examples/cpp/quickstart.cpp" $(pkg-config --cflags --libs jiceng) -o "$work/quickstart_cpp_pc"
"$work/quickstart_cpp_pc" | grep "petition 1 submitted"

step "Python from the install, no JICENG_LIBRARY"
py=$(find "$prefix" -path '*/jiceng/_capi.py' | head -1)
[ -n "$py" ] || fail "no Python package under $prefix"
(unset JICENG_LIBRARY; PYTHONPATH=$(dirname "$(dirname "$py")") PYTHONDONTWRITEBYTECODE=1 \
  "$python" "$src/examples/python/quickstart.py") | tee "$work/py.out"
grep -q "petition 1 is received" "$work/py.out" || fail "Python quick start output"

step "Python wheel, built offline, in a plain venv"
"$python" -m pip wheel --no-build-isolation --no-deps --no-index -q -w "$work/wheel" "$src/bindings/python" \
  > "$work/wheel.log" 2>&1 || { cat "$work/wheel.log"; fail "pip wheel"; }
whl=$(ls "$work"/wheel/jiceng-*.whl) || fail "no wheel"
version=$(sed -n 's/^#define JICENG_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$src/include/jiceng/version.hpp" | paste -sd.)
case "$whl" in *"jiceng-$version-"*) ;; *) fail "wheel $whl is not version $version";; esac
"$python" -m venv "$work/venv" || fail "python -m venv (Debian: python3-venv)"
"$work/venv/bin/python" -m pip install --no-index -q "$whl" || fail "pip install of the wheel into the venv"
JICENG_LIBRARY=$(ls "$lib"/libjiceng.so.[0-9]) PYTHONDONTWRITEBYTECODE=1 \
  "$work/venv/bin/python" "$src/examples/python/quickstart.py" | grep "petition 1 is received"
echo "ok: every quick start ran against $prefix"
