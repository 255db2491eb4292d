#!/usr/bin/env bash
# The body of action.yml's golive step (kept in a file so it can be run and tested outside
# GitHub). Inputs arrive as GOLIVE_INPUT_* variables; outputs go to $GITHUB_OUTPUT. The step itself
# never fails: the action's last step exits with golive's code, after the SARIF upload.
#
# The workspace is the change under review, so nothing in it is trusted: reports go only into a
# fresh directory this script creates inside the workspace, never through a symlink: mkdir refuses
# any existing name, and golive creates each file with O_CREAT|O_EXCL|O_NOFOLLOW (--fresh-output).
# Each run gets its own: named by the report-dir input, else after the path checked (golive-report
# for the workspace, golive-report-services-acme for services/acme), with -2, -3… when the name is
# taken (committed, or an earlier step's), so two services checked in one job never share one.
# The `args` input is parsed as one shell argument list across lines, never evaluated
# (scripts/action-args.mjs); anything it cannot take literally fails the step with one line.
set -uo pipefail

action_path="${GOLIVE_ACTION_PATH:?}"
target="${GOLIVE_INPUT_PATH:-.}"
formats="${GOLIVE_INPUT_FORMAT:-sarif}"
version="$(node -p "require(process.argv[1]).version" "$action_path/package.json")"

# One error annotation and exit code 2, without running the check.
fail() {
  echo "::error title=golive::$1"
  echo "exit-code=2" >> "$GITHUB_OUTPUT"
  exit 0
}

# This action's own build when present (a checkout that ran `npm run build`), else the same
# version from npm: the action and the CLI never drift apart.
if [[ -f "$action_path/dist/src/golive-cli.js" ]]; then
  golive=(node "$action_path/bin/golive.js")
else
  golive=(npx --yes "mintcash-golive@$version")
fi

# The reports asked for: format and file name, checked before anything runs.
reports=()
IFS=',' read -r -a list <<< "$formats"
for f in "${list[@]}"; do
  f="${f//[[:space:]]/}"
  [[ -z "$f" ]] && continue
  case "$f" in
    sarif) name="golive.sarif" ;;
    junit) name="golive-junit.xml" ;;
    json) name="golive.json" ;;
    markdown) name="golive.md" ;;
    html) name="golive.html" ;;
    codequality) name="gl-code-quality.json" ;;
    *) fail "unknown format \"$f\" (use sarif, junit, json, markdown, html, codequality)" ;;
  esac
  reports+=("$f" "$name")
done

# The free-form args: one argument list across lines, quotes respected, nothing evaluated.
extra=()
if [[ -n "${GOLIVE_INPUT_ARGS:-}" ]]; then
  parsed="$(mktemp)"
  if ! node "$action_path/scripts/action-args.mjs" > "$parsed" 2> "$parsed.err"; then
    head -n 1 "$parsed.err"
    rm -f "$parsed" "$parsed.err"
    echo "exit-code=2" >> "$GITHUB_OUTPUT"
    exit 0
  fi
  while IFS= read -r -d '' a; do extra+=("$a"); done < "$parsed"
  rm -f "$parsed" "$parsed.err"
fi

# A fresh report directory inside the workspace. mkdir (no -p) fails on any existing name, a
# dangling symlink included, so nothing committed is ever written through.
workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace" || fail "cannot enter the workspace $workspace"
real_workspace="$(pwd -P)"
# The folder's name: the report-dir input, else derived from the path (letters, digits, . _ - kept).
base="${GOLIVE_INPUT_REPORT_DIR:-}"
if [[ -n "$base" ]]; then
  [[ "$base" =~ ^[A-Za-z0-9._-]+$ && "$base" != "." && "$base" != ".." ]] || fail "report-dir must be one folder name (letters, digits, . _ -), not \"$base\""
else
  slug="$(printf '%s' "$target" | sed -e 's#^\./##' -e 's#/*$##' -e 's#[^A-Za-z0-9._-]\{1,\}#-#g' -e 's#^[-.]*##' -e 's#-*$##')"
  base="golive-report${slug:+-$slug}"
fi
out_dir="$base"
n=1
until mkdir -m 0755 -- "$out_dir" 2> /dev/null; do
  n=$((n + 1))
  (( n > 50 )) && fail "cannot create a report directory in the workspace ($base … $base-50 all exist)"
  out_dir="$base-$n"
done
if [[ -L "$out_dir" || ! -d "$out_dir" || "$(cd -P -- "$out_dir" && pwd -P)" != "$real_workspace/$out_dir" ]]; then
  fail "the report directory $out_dir is not a plain directory inside the workspace"
fi
[[ "$out_dir" != "$base" ]] && echo "::notice title=golive::$base already exists in the workspace (committed, or left by an earlier step): the reports go to $out_dir"

# The readable checklist in the job log; the reports go to files created anew.
args=(check "$target" --format pretty --output - --fresh-output)
for ((i = 0; i < ${#reports[@]}; i += 2)); do
  args+=(--format "${reports[i]}" --output "$out_dir/${reports[i + 1]}")
done
args+=(${extra[@]+"${extra[@]}"})

# The trusted policy: on a pull request the config as it is on the base branch, so the change under
# review cannot turn checks off, waive its findings or pin its own signer (README "Threat model").
# The policy-ref input, GOLIVE_POLICY or --policy/--policy-ref in args decide instead; "none" opts out.
policy_ref="${GOLIVE_INPUT_POLICY_REF:-}"
if [[ -z "$policy_ref" && -z "${GOLIVE_POLICY:-}" && -n "${GITHUB_BASE_REF:-}" && "${GOLIVE_INPUT_ARGS:-}" != *--policy* ]]; then
  policy_ref="origin/$GITHUB_BASE_REF"
fi
if [[ "$policy_ref" == "none" ]]; then
  args+=(--skip policy.unchanged)   # the CI owner's choice: a scoped run, never "Ready to go live"
elif [[ -n "$policy_ref" ]]; then
  # A checkout with fetch-depth: 1 has no origin/<base>: fetch it (one commit, if the clone is shallow anyway).
  if [[ "$policy_ref" == origin/* ]] && ! git -C "$target" rev-parse --verify --quiet "$policy_ref^{commit}" > /dev/null; then
    depth=()
    [[ "$(git -C "$target" rev-parse --is-shallow-repository 2> /dev/null)" == true ]] && depth=(--depth=1)
    git -C "$target" fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} origin "+refs/heads/${policy_ref#origin/}:refs/remotes/$policy_ref" \
      || echo "::warning title=golive::could not fetch $policy_ref for the trusted policy; check out with fetch-depth: 0"
  fi
  args+=(--policy-ref "$policy_ref")
fi

# Pull-request mode: on a pull_request a bare --history scans only the pull request's commits,
# origin/<base>..HEAD (HEAD is the merge GitHub checks out), as gitleaks-action and TruffleHog's
# action do; pushes keep the whole history, and --history <range> or --history=all in args wins.
# The base is fetched; a shallow clone is made whole, since the range's first commit needs its
# parent to show what it added (golive reports a range that reaches a shallow edge as incomplete).
if [[ "${GITHUB_EVENT_NAME:-}" == pull_request && -n "${GITHUB_BASE_REF:-}" ]] && git check-ref-format --branch "$GITHUB_BASE_REF" > /dev/null 2>&1; then
  for i in "${!args[@]}"; do
    next="${args[$((i + 1))]:-}"
    [[ "${args[$i]}" == --history && ( -z "$next" || "$next" == -* ) ]] || continue
    unshallow=()
    [[ "$(git -C "$target" rev-parse --is-shallow-repository 2> /dev/null)" == true ]] && unshallow=(--unshallow)
    git -C "$target" fetch --quiet --no-tags ${unshallow[@]+"${unshallow[@]}"} origin "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF" \
      || echo "::warning title=golive::could not fetch the base branch $GITHUB_BASE_REF for --history; check out with fetch-depth: 0"
    args[i]="--history=origin/$GITHUB_BASE_REF..HEAD"
  done
fi

"${golive[@]}" "${args[@]}"
code=$?
{
  echo "exit-code=$code"
  echo "report-dir=$out_dir"
  # One output per format: the file's path when this run wrote it, else empty.
  for f in sarif junit json markdown html codequality; do
    file=""
    for ((i = 0; i < ${#reports[@]}; i += 2)); do
      [[ "${reports[i]}" == "$f" && -f "$out_dir/${reports[i + 1]}" && ! -L "$out_dir/${reports[i + 1]}" ]] && file="$out_dir/${reports[i + 1]}"
    done
    echo "$f=$file"
  done
} >> "$GITHUB_OUTPUT"
exit 0
