#!/bin/bash
# `jiceng mediation` against a demo journal: the committee and cases the demo's mediation part
# recorded, a case's ranked mediators, a refused command that exits non-zero and changes
# nothing, and an accepted one.
set -euo pipefail
CLI=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$CLI" demo --days 60 --rate 2 --seed 5 --out "$WORK" -q > /dev/null
DB=$WORK/journal.sqlite
SUMMARY=$("$CLI" mediation query "$DB" summary)
echo "$SUMMARY" | grep -q '"committees":1' || { echo "no committee: $SUMMARY"; exit 1; }
echo "$SUMMARY" | grep -q '"mediators":15' || { echo "not 15 mediators: $SUMMARY"; exit 1; }
UNIT=$("$CLI" mediation query "$DB" get '{"item":"D00000001"}' | sed -E 's/.*"unit":"([^"]+)".*/\1/')
SUGGEST=$("$CLI" mediation suggest "$DB" D00000002)
echo "$SUGGEST" | grep -q '^1\. XY' || { echo "no ranked mediators: $SUGGEST"; exit 1; }
BEFORE=$("$CLI" mediation query "$DB" list)
set +e
"$CLI" mediation command "$DB" hire --item D00000001 --actor staff --role community_staff --unit "$UNIT" \
  --payload '{"mediator":{"id":"XY16","name":"新","gender":"male","birth":"2015-01-01"}}' 2> "$WORK/err"
RC=$?
set -e
[ "$RC" -eq 2 ] || { echo "a minor mediator: exit $RC, want 2"; exit 1; }
grep -q "第十四条" "$WORK/err" || { echo "no article in: $(cat "$WORK/err")"; exit 1; }
[ "$("$CLI" mediation query "$DB" list)" = "$BEFORE" ] || { echo "a refused command changed the loop"; exit 1; }
OUT=$("$CLI" mediation command "$DB" hire --item D00000001 --actor staff --role community_staff --unit "$UNIT" \
  --payload '{"mediator":{"id":"XY16","name":"新","gender":"male","birth":"1990-01-01","regions":["贵州"]}}' --now 2000000000)
echo "$OUT" | grep -q '"state":"seated"' || { echo "hire: $OUT"; exit 1; }
"$CLI" mediation query "$DB" mediators '{"item":1}' | grep -q '"id":"XY16"' || { echo "XY16 not hired"; exit 1; }
echo "ok: $(echo "$SUMMARY" | sed -E 's/.*"cases":([0-9]+).*/\1/') cases"
