#!/bin/sh
# Fails when libjiceng.so exports any dynamic symbol other than the C ABI's jc_* functions.
set -eu
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//')
[ -n "$syms" ] || { echo "no exported symbols found in $lib" >&2; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^jc_' || true)
if [ -n "$bad" ]; then
  echo "libjiceng.so exports symbols outside the C ABI:" >&2
  printf '%s\n' "$bad" | head -50 >&2
  exit 1
fi
count=$(printf '%s\n' "$syms" | wc -l)
echo "ok: $count exported symbols, all jc_*"
