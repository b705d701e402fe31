#!/bin/sh
# Compares the built libjiceng.so with the ABI baseline capi/jiceng.abi (abidw output).
# abidiff's exit status is a bit field: 1 tool error, 2 usage error, 4 ABI change,
# 8 incompatible ABI change. Additions are compatible (4 alone passes); anything else
# fails. A deliberate break bumps JC_ABI_VERSION and regenerates the baseline
# (target jiceng_c_abi_baseline).
set -u
abidiff=$1 baseline=$2 lib=$3 headers=$4
case "$baseline" in
  *.gz) tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT; gzip -dc "$baseline" > "$tmp"; baseline_xml=$tmp ;;
  *) baseline_xml=$baseline ;;
esac
out=$("$abidiff" --headers-dir2 "$headers" --drop-private-types --no-added-syms "$baseline_xml" "$lib" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $((rc & 1)) -ne 0 ] || [ $((rc & 2)) -ne 0 ] || [ $((rc & 8)) -ne 0 ]; then
  echo "capi_abi: incompatible ABI change against $baseline (abidiff exit $rc)" >&2
  exit 1
fi
echo "capi_abi: compatible with the baseline (abidiff exit $rc)"
