#!/bin/sh
# check_abi.sh ABIDIFF BASELINE LIB SUPPRESSIONS — compares a built libjiceng.so with the
# ABI baseline capi/jiceng.abi.gz (abidw output) and fails on any change but additions.
#
# abidiff's exit status is a bit field: 1 tool error, 2 usage error, 4 ABI change, 8
# incompatible ABI change (removed symbols). A changed parameter or struct field only sets
# 4, so any non-zero status fails here; added functions are not reported
# (--no-added-syms) and leave it 0. The opaque handles' layouts are private (SUPPRESSIONS).
# The baseline is read without --headers-dir: abidiff's private-type filter would hide a
# public struct field whose new type comes from a system header (int32_t -> int64_t).
# A deliberate break bumps JC_ABI_VERSION and regenerates the baseline (target
# jiceng_c_abi_baseline). tests/capi/check_abi_selftest.sh proves this script fails.
set -u
abidiff=$1 baseline=$2 lib=$3 suppressions=$4
case "$baseline" in
  *.gz) tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT; gzip -dc "$baseline" > "$tmp"; baseline_xml=$tmp ;;
  *) baseline_xml=$baseline ;;
esac
out=$("$abidiff" --suppressions "$suppressions" --no-added-syms "$baseline_xml" "$lib" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 0 ]; then
  echo "capi_abi: ABI change against $baseline (abidiff exit $rc: 4 = change, 8 = incompatible, 1/2 = error)" >&2
  exit 1
fi
echo "capi_abi: compatible with the baseline (abidiff exit 0)"
