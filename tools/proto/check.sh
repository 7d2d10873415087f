#!/usr/bin/env bash
# CI gate for the contracts (npm run proto:check):
#   1. buf lint
#   2. generated code is up to date: regenerate into the tree; fail if that changed anything
#   3. no breaking change (buf FILE rules) against the main branch and against the previous commit
# In CI the clone's main IS the commit under test, so (3) also compares with HEAD~1: a commit that
# breaks the contract fails on its own.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

buf="$root/node_modules/.bin/buf"
generated="libs/contracts/src/generated"
failed=0

fail() { # report and go on, so one run shows every problem
  echo "proto:check: FAIL: $*" >&2
  failed=1
}

echo "proto:check: lint"
if ! "$buf" lint proto; then
  echo "proto:check: FAIL: buf lint found problems (see above)" >&2
  exit 1
fi

echo "proto:check: is the generated code up to date?"
fingerprint() {
  if [[ -d "$generated" ]]; then
    (cd "$generated" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  fi
}
before="$(fingerprint)"
if ! bash tools/proto/generate.sh >/dev/null; then
  echo "proto:check: FAIL: generating code failed (see above)" >&2
  exit 1
fi
after="$(fingerprint)"
status="$(git status --porcelain --untracked-files=all -- "$generated")"
if [[ "$before" != "$after" ]]; then
  fail "$generated was stale; regenerating changed:
$(diff <(echo "$before") <(echo "$after") | sed -n 's/^[<>] [0-9a-f]*  \.\//  /p' | sort -u)
Run 'npm run proto' and commit the result."
elif [[ -n "$status" && -n "${CI:-}" ]]; then
  fail "$generated is not what was committed:
$status
Run 'npm run proto' and commit the result."
elif [[ -n "$status" ]]; then
  echo "proto:check: note: $generated has uncommitted changes (commit them with the protos)"
fi

# has_proto REF: REF resolves to a commit whose tree contains proto/buf.yaml.
has_proto() {
  git rev-parse --verify --quiet "$1^{commit}" >/dev/null && git cat-file -e "$1:proto/buf.yaml" 2>/dev/null
}

breaking_against() { # breaking_against LABEL BUF_INPUT
  echo "proto:check: breaking changes against $1"
  if ! "$buf" breaking proto --against "$2"; then
    fail "proto/ breaks compatibility with $1 (see above). Keep field numbers and names, reserve removed
  fields, and put incompatible changes in a new package version (e.g. orders.v2)."
  fi
}

if has_proto refs/heads/main; then
  breaking_against "the main branch" ".git#branch=main,subdir=proto"
elif has_proto refs/remotes/origin/main; then
  breaking_against "origin/main" ".git#ref=origin/main,subdir=proto"
else
  echo "proto:check: skip breaking check against main: main has no proto/ yet"
fi

if has_proto HEAD~1; then
  breaking_against "the previous commit (HEAD~1)" ".git#ref=HEAD~1,subdir=proto"
else
  echo "proto:check: skip breaking check against HEAD~1: no previous commit with proto/ (first commit or shallow clone)"
fi

if [[ "$failed" != 0 ]]; then
  echo "proto:check: contracts check failed" >&2
  exit 1
fi
echo "proto:check: OK"
