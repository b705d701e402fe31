#!/usr/bin/env bash
# The repository stands alone (issue 28, item 3): no tracked file points at notes outside it —
# a design page by section ("DESIGN §8", "DESIGN.md"), the domain notes ("DOMAIN.md §2d",
# "DOMAIN-2.md"), a shared folder ("shared/…", "../shared") or the source articles by number
# ("seed 002", "seeds/000…"). The facts live in docs/domain.md and docs/targets.md; cite those.
# Fails listing every hit. Skipped (exit 77) outside a git work tree or without git.
# Usage: self_contained_check.sh [SOURCE_DIR]
set -u
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
self=tests/demo/self_contained_check.sh

command -v git >/dev/null 2>&1 || { echo "SKIP: git not installed"; exit 77; }
git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
  { echo "SKIP: $src is not a git work tree"; exit 77; }

pattern='DESIGN(\.md)? ?§|DESIGN\.md|DOMAIN(-2)?\.md|shared/|seed 0|seeds/|seed [0-9]{3}'
hits=$(git -C "$src" grep -n -I -E "$pattern" -- . ":(exclude)$self")
rc=$?
if [ $rc -eq 1 ]; then
  echo "PASS: no tracked file points outside the repository"
  exit 0
fi
if [ $rc -ne 0 ]; then
  echo "FAIL: git grep exited $rc"
  exit 1
fi
n=$(printf '%s\n' "$hits" | wc -l)
echo "FAIL: $n pointer(s) outside the repository; cite docs/domain.md or docs/targets.md instead:"
printf '%s\n' "$hits"
exit 1
