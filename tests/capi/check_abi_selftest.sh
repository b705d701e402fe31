#!/bin/sh
# check_abi_selftest.sh ABIDW ABIDIFF CC HEADER_DIR SUPPRESSIONS — proves that the ABI
# check (check_abi.sh) fails on incompatible changes and passes compatible ones: builds
# tests/capi/abi_probe.c against capi/jiceng.h as a baseline, then variants with one
# change each (a copy of the header edited where the change needs it), and runs the real
# check script on each.
set -u
abidw=$1 abidiff=$2 cc=$3 headers=$4 suppressions=$5
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

build() {  # build OUT CFLAGS...
  out=$1; shift
  "$cc" -std=c99 -g -O0 -fPIC -shared "$@" -I"$here/../../include" -o "$out" "$here/abi_probe.c" || { echo "cannot build $out" >&2; exit 1; }
}
expect() {  # expect pass|fail NAME LIB
  if sh "$here/check_abi.sh" "$abidiff" "$work/base.abi" "$3" "$suppressions" > "$work/$2.log" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$1" ]; then
    echo "ok: $2 -> check $got"
  else
    echo "WRONG: $2 -> check $got, expected $1" >&2
    cat "$work/$2.log" >&2
    status=1
  fi
}
edit() {  # edit DIR SED — a copy of jiceng.h with one edit, which must apply
  mkdir -p "$work/$1"
  sed "$2" "$headers/jiceng.h" > "$work/$1/jiceng.h"
  if cmp -s "$headers/jiceng.h" "$work/$1/jiceng.h"; then echo "edit for $1 did not apply" >&2; exit 1; fi
}

build "$work/base.so" -I"$headers"
"$abidw" --no-show-locs --no-corpus-path --out-file "$work/base.abi" "$work/base.so" || exit 1

build "$work/same.so" -I"$headers"
expect pass unchanged "$work/same.so"
build "$work/added.so" -I"$headers" -DJC_PROBE_EXTRA
expect pass added-function "$work/added.so"
build "$work/handle.so" -I"$headers" -DJC_PROBE_HANDLE_V2
expect pass opaque-handle-layout "$work/handle.so"

edit sig 's/jc_day day, int n);/jc_day day, int64_t n);/'
build "$work/sig.so" -I"$work/sig" -DJC_PROBE_N=int64_t
expect fail parameter-type-changed "$work/sig.so"
edit layout 's/^  int32_t year;/  int64_t year;/'
build "$work/layout.so" -I"$work/layout"
expect fail struct-field-changed "$work/layout.so"
build "$work/removed.so" -I"$headers" -DJC_PROBE_REMOVED
expect fail function-removed "$work/removed.so"
exit $status
