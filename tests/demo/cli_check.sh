#!/usr/bin/env bash
# `jiceng demo` from the command line: it runs, writes its files, is deterministic for a
# seed (report.json byte-identical across runs and folders), differs across seeds, stays
# quiet when stderr is not a terminal, and refuses bad options with a clear message.
set -euo pipefail
jiceng=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "cli_check: FAIL: $*" >&2; exit 1; }

"$jiceng" demo --days 20 --seed 3 --out "$work/a" >"$work/a.txt" 2>"$work/a.err" || fail "demo exited $?: $(cat "$work/a.err")"
"$jiceng" demo --days 20 --seed 3 --out "$work/b" >"$work/b.txt" 2>/dev/null || fail "second run"
"$jiceng" demo --days 20 --seed 4 --out "$work/c" >/dev/null 2>&1 || fail "third run"
for f in report.json report.html journal.sqlite; do
  [ -s "$work/a/$f" ] || fail "$f missing"
done
[ -s "$work/a/org.svg" ] || [ -s "$work/a/org.dot" ] || fail "org.svg / org.dot missing"
[ -s "$work/a/workflow.svg" ] || [ -s "$work/a/workflow.dot" ] || fail "workflow diagram missing"
cmp -s "$work/a/report.json" "$work/b/report.json" || fail "same seed, different report.json"
cmp -s "$work/a/report.json" "$work/c/report.json" && fail "different seeds, same report.json"
[ -s "$work/a.err" ] && fail "progress written to a non-terminal stderr: $(head -c 300 "$work/a.err")"
for s in "全区考核指标" "街道/镇考核排名" "社区排名前五名" "社区排名后五名" "政策检查" \
         "个网格未设先锋枢纽驿站" "report.html" "journal.sqlite" "完成，用时"; do
  grep -qF "$s" "$work/a.txt" || fail "report lacks '$s'"
done
# The loops' reports on the demo's journal, which holds projects and fund accounts: a table
# row of each (they once iterated a parsed answer already destroyed: "not an object").
"$jiceng" projects board "$work/a/journal.sqlite" >"$work/board.txt" 2>"$work/board.err" \
  || fail "projects board exited $?: $(cat "$work/board.err")"
grep -q "P[0-9]\{8\}\|T[0-9]\{8\}\|[0-9]\{8\}" "$work/board.txt" || fail "projects board lists no project"
"$jiceng" projects board "$work/a/journal.sqlite" --format csv >"$work/board.csv"
grep -q "^id,kind,title,unit,street,lead,state,progress,due,missed_reviews,matter" "$work/board.csv" \
  || fail "projects board lacks the deciding matter's column: $(head -1 "$work/board.csv")"
"$jiceng" fund ledger "$work/a/journal.sqlite" --format csv >"$work/ledger.csv" 2>"$work/ledger.err" \
  || fail "fund ledger exited $?: $(cat "$work/ledger.err")"
[ "$(grep -c '^F[0-9]\{8\},' "$work/ledger.csv")" -gt 0 ] || fail "fund ledger lists no account: $(head -3 "$work/ledger.csv")"
# Every spend is posted on its own: the statement shows each spend's notice; the fund's
# findings answer (exit 0 without findings, 1 with).
acc=$(grep -o '^F[0-9]\{8\}' "$work/ledger.csv" | head -1)
"$jiceng" fund statement "$work/a/journal.sqlite" --account "$acc" --format csv >"$work/st.csv" 2>"$work/st.err" \
  || fail "fund statement exited $?: $(cat "$work/st.err")"
grep -q "^n,on,project,decision,category,amount,purpose,notice,last_day" "$work/st.csv" || fail "statement lacks the notice column"
grep -q ",\(posted\|disclosed\),20[0-9-]*$" "$work/st.csv" || fail "no spend notice in the statement: $(head -5 "$work/st.csv")"
rc=0; "$jiceng" fund findings "$work/a/journal.sqlite" --format json >"$work/ff.json" 2>"$work/ff.err" || rc=$?
[ "$rc" -le 1 ] || fail "fund findings exited $rc: $(cat "$work/ff.err")"
grep -q '"findings"' "$work/ff.json" || fail "fund findings: no answer"
# 一村一策: the villages of the year's village-plan items, judged on the run's last day.
villages=$("$jiceng" projects board "$work/a/journal.sqlite" --kind village_plan --format csv | awk -F, 'NR>1 && !s[$4]++ {printf " --village %s", $4}')
[ -n "$villages" ] || fail "no village-plan project in the demo's journal"
# shellcheck disable=SC2086
"$jiceng" projects village-campaign "$work/a/journal.sqlite" $villages --start 2025-01-01 --as-of 2025-01-20 \
  >"$work/vc.txt" 2>"$work/vc.err" || fail "village-campaign exited $?: $(cat "$work/vc.err")"
grep -q "met\|pending" "$work/vc.txt" || fail "village-campaign shows no check: $(head -5 "$work/vc.txt")"
# --snapshot-every: the journal holds policy snapshots on the way (the default policy's
# million events is far above 20 days), and `jiceng verify` finds them sound.
"$jiceng" demo --days 20 --seed 3 --snapshot-every 3000 --out "$work/s" >/dev/null 2>&1 || fail "demo --snapshot-every"
cmp -s "$work/a/report.json" "$work/s/report.json" || fail "--snapshot-every changed report.json"
"$jiceng" verify "$work/a/journal.sqlite" --fast >"$work/v0.txt" 2>&1 || fail "verify: $(cat "$work/v0.txt")"
grep -q ", 0 snapshots" "$work/v0.txt" || fail "the default demo journal holds snapshots: $(cat "$work/v0.txt")"
"$jiceng" verify "$work/s/journal.sqlite" --fast >"$work/v.txt" 2>&1 || fail "verify --snapshot-every journal: $(cat "$work/v.txt")"
grep -q ", [1-9][0-9]* snapshots\? (latest at seq" "$work/v.txt" || fail "no snapshot in the --snapshot-every journal: $(cat "$work/v.txt")"
# Bad options: exit 2, a message naming the option, and no output folder.
if "$jiceng" demo --days 0 --out "$work/bad" >/dev/null 2>"$work/bad.err"; then fail "--days 0 accepted"; fi
grep -q -- "--days 0" "$work/bad.err" || fail "--days 0: unclear message: $(cat "$work/bad.err")"
if "$jiceng" demo --policy nosuch --out "$work/bad" >/dev/null 2>"$work/bad.err"; then fail "--policy nosuch accepted"; fi
grep -q "nosuch" "$work/bad.err" || fail "--policy nosuch: unclear message"
[ -e "$work/bad" ] && fail "a refused run created its folder"
echo "cli_check: OK"
