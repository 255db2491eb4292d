// policy.unchanged: the change under review does not weaken the gate's own policy. golive gates
// pull requests, and a pull request can edit golive.config.json; compared with the trusted policy
// (`--policy <file>` or the config on `--policy-ref`), every weakening is a blocking finding naming
// the key, file and line. The run already ignores those weakenings (the trusted values govern), so
// this check is what makes them visible to the reviewer. Without a trusted policy it passes in a
// local run and is pending in a pull-request build, which then has nothing trusted to go by.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import type { PolicyEvidence } from '../src/evidence/types.js';

function origin(p: PolicyEvidence): string {
  if (p.source === 'file') return `the policy file ${p.file ?? ''}`.trim();
  return `${p.file ?? 'the defaults (no config)'} on ${p.ref ?? 'the base'}${p.commit ? ` (${p.commit.slice(0, 12)})` : ''}`;
}

export default defineCheck({
  id: 'policy.unchanged',
  section: 'policy',
  kind: 'static',
  title: 'The change under review leaves the gate\'s policy as strict as the trusted one',
  failureTitle: 'The change under review weakens the gate\'s policy',
  why: 'golive gates pull requests, and a pull request can edit golive.config.json: turn a check off, waive its own finding, pin its own rehearsal signer, add a plugin, point the API elsewhere or ignore the files that hold the problem. If the change under review decided the policy, it would decide its own verdict. The trusted policy (a file the CI owner keeps outside the repository, or the config on the base branch) governs instead, and every weakening is shown here.',
  fix: 'Revert the lines named, or land the policy change on its own: until it is merged the run ignores it and the trusted values govern. A policy change is reviewed by the config\'s owners (CODEOWNERS on golive.config.json) and merged with their approval past this check; strengthening changes (a check turned on, a waiver removed, a glob dropped from ignore) are never findings and take effect at once.',
  defaultSeverity: 'error',
  requires: ['policy'],
  run({ evidence }) {
    const p = evidence.policy;
    // Where the policy came from is in the report's target.policy and at the top of every format.
    if (p.source === 'worktree') {
      if (p.pullRequest) {
        return {
          status: 'pending',
          summary: `A ${p.pullRequest.ci} pull-request build into ${p.pullRequest.base} with no trusted policy: the change under review's own config governs this run. Pass ${p.pullRequest.suggestion}.`,
        };
      }
      return { summary: 'No trusted policy: the working tree\'s config governs (a local run). In CI, pass --policy-ref <base branch> or --policy <file>.' };
    }
    const findings: FindingInput[] = p.changes.map((c) => ({
      messageId: c.kind,
      message: c.message,
      ...(c.file ? { file: c.file } : {}),
      ...(c.line ? { line: c.line } : {}),
      fingerprintOf: `${c.kind}\0${c.key}\0${c.message}`,
    }));
    if (p.fileInRepo) {
      findings.push({
        messageId: 'policy-file-in-repo',
        severity: 'warning',
        message: `the policy file ${p.file ?? ''} is inside the repository under check, where the change can edit it: keep it outside the checkout, or read the config from the base branch with --policy-ref`,
      });
    }
    const from = origin(p);
    const also = p.ignoredRef ? ` (--policy outranks --policy-ref ${p.ignoredRef})` : '';
    const weak = p.changes.length;
    const summary =
      weak === 0
        ? `The working tree's config is as strict as ${from}${also}.`
        : `${weak} weakening${weak === 1 ? '' : 's'} of ${from}${also}: none applies until merged; the trusted values govern this run.`;
    return { findings, summary };
  },
});
