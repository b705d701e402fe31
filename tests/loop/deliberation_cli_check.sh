#!/bin/bash
# `jiceng matter` against a demo journal: the rolls' voters (probationary members and
# residents under 18 without a vote), the matters raised from clusters of petitions, and a
# canvass on a matter not at that step refused with exit 2, nothing changed.
set -euo pipefail
CLI=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$CLI" demo --days 60 --rate 30 --seed 5 --out "$WORK" -q > /dev/null
DB=$WORK/journal.sqlite
LIST=$("$CLI" matter list "$DB")
echo "$LIST" | grep -q '"without_vote":{"probationary":1}' || { echo "no probationary member without a vote"; exit 1; }
echo "$LIST" | grep -q '"under_age":' || { echo "no resident under 18 on a roll"; exit 1; }
grep -q '"topic_zh": "' "$WORK/report.json" || { echo "no clusters in report.json"; exit 1; }
# A cluster with petitions still being handled referred them to its matter.
if grep -q '"referred": \["P' "$WORK/report.json"; then
  echo "$LIST" | grep -q '"referred_petitions":\["P' || { echo "no matter holds the referred petitions"; exit 1; }
fi
UNIT=$("$CLI" matter show "$DB" M00000001 | sed -E 's/.*"unit":"([^"]+)".*/\1/')
set +e
"$CLI" matter do "$DB" canvass --item M00000001 --actor staff --role community_staff --unit "$UNIT" \
  --payload '{"date":"2025-01-02","households":["X"],"signed":[]}' 2> "$WORK/err"
RC=$?
set -e
[ "$RC" -eq 2 ] || { echo "a canvass out of step: exit $RC, want 2"; exit 1; }
grep -qE "not a canvass|allowed in: deliberating" "$WORK/err" || { echo "no step named in: $(cat "$WORK/err")"; exit 1; }
[ "$("$CLI" matter list "$DB")" = "$LIST" ] || { echo "a refused command changed the loop"; exit 1; }
echo "ok"
