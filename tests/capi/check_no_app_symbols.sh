#!/bin/sh
# check_no_app_symbols.sh FILE — fails when nm -C finds a demo, simulation or HTML symbol
# in FILE (unstripped: local symbols count too), or when nm cannot read it. The pattern
# (app_symbols.re) takes "demo" as a word: the policy rule democratic_review is domain.
syms=$(nm -C "$1") || { echo "nm cannot read $1"; exit 2; }
[ -n "$syms" ] || { echo "no symbols in $1 (stripped?)"; exit 2; }
hits=$(printf '%s\n' "$syms" | grep -E "$(cat "$(dirname "$0")/app_symbols.re")")
if [ -n "$hits" ]; then
  echo "application symbols in $1:"; printf '%s\n' "$hits" | head -20
  exit 1
fi
echo "ok: $(printf '%s\n' "$syms" | wc -l) symbols, none of the demo, its simulation or HTML"
