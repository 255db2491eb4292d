#!/usr/bin/env bash
# The body of action.yml's golive step (kept in a file so it can be run and tested outside
# GitHub). Inputs arrive as GOLIVE_INPUT_* variables; outputs go to $GITHUB_OUTPUT. The step itself
# never fails: the action's last step exits with golive's code, after the SARIF upload.
set -uo pipefail

action_path="${GOLIVE_ACTION_PATH:?}"
target="${GOLIVE_INPUT_PATH:-.}"
formats="${GOLIVE_INPUT_FORMAT:-sarif}"
out_dir="golive-report"
version="$(node -p "require(process.argv[1]).version" "$action_path/package.json")"

# This action's own build when present (a checkout that ran `npm run build`), else the same
# version from npm: the action and the CLI never drift apart.
if [[ -f "$action_path/dist/src/golive-cli.js" ]]; then
  golive=(node "$action_path/bin/golive.js")
else
  golive=(npx --yes "mintcash-golive@$version")
fi

# The readable checklist in the job log; the reports go to files.
args=(check "$target" --format pretty --output -)
sarif=""
IFS=',' read -r -a list <<< "$formats"
for f in "${list[@]}"; do
  f="${f//[[:space:]]/}"
  [[ -z "$f" ]] && continue
  case "$f" in
    sarif) file="$out_dir/golive.sarif"; sarif="$file" ;;
    junit) file="$out_dir/golive-junit.xml" ;;
    json) file="$out_dir/golive.json" ;;
    markdown) file="$out_dir/golive.md" ;;
    html) file="$out_dir/golive.html" ;;
    codequality) file="$out_dir/gl-code-quality.json" ;;
    *) echo "::error title=golive::unknown format \"$f\" (use sarif, junit, json, markdown, html, codequality)"; echo "exit-code=2" >> "$GITHUB_OUTPUT"; exit 0 ;;
  esac
  args+=(--format "$f" --output "$file")
done
# Word-split the free-form args as a shell would, without evaluating them.
if [[ -n "${GOLIVE_INPUT_ARGS:-}" ]]; then
  read -r -a extra <<< "$GOLIVE_INPUT_ARGS"
  args+=("${extra[@]}")
fi

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

mkdir -p "$out_dir"
"${golive[@]}" "${args[@]}"
code=$?
{
  echo "exit-code=$code"
  echo "report-dir=$out_dir"
  if [[ -n "$sarif" && -f "$sarif" ]]; then echo "sarif=$sarif"; else echo "sarif="; fi
} >> "$GITHUB_OUTPUT"
exit 0
