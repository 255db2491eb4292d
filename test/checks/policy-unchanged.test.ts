// policy.unchanged: what it says for each policy source, and that its findings go through the
// real runner untouched by what the change under review controls (inline comments, a baseline),
// while a waiver in the trusted policy still applies.
import { describe, expect, it } from 'vitest';
import policyUnchanged from '../../checks/policy-unchanged.js';
import { configSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { fingerprint } from '../../src/engine/fingerprint.js';
import { baselineKey } from '../../src/engine/waivers.js';
import type { Check, CheckOutcome } from '../../src/engine/types.js';
import type { PolicyChange, PolicyEvidence } from '../../src/evidence/types.js';

const options = { offline: true, history: false, requireRehearsal: false };
const judge = (policy: PolicyEvidence) => policyUnchanged.run({ evidence: { policy }, config: configSchema.parse({}), options }) as CheckOutcome;

const OFF: PolicyChange = { kind: 'check-off', key: 'checks.webhook.https', message: 'checks.webhook.https: turned off; origin/main has it unset', file: 'golive.config.json', line: 3 };
const SIGNER: PolicyChange = { kind: 'signer-added', key: 'rehearsal.signers[1]', message: 'rehearsal.signers[1]: a new signer "Mallory" is pinned', file: 'golive.config.json', line: 9 };
const ADDED: PolicyChange = { kind: 'config-added', key: '(config file)', message: 'golive.config.json is a new config, above services/shop', file: 'golive.config.json', line: 1 };
const ref = (changes: PolicyChange[], extra: Partial<PolicyEvidence> = {}): PolicyEvidence => ({ source: 'ref', ref: 'origin/main', commit: 'a'.repeat(40), file: 'golive.config.json', changes, ...extra });

describe('policy.unchanged', () => {
  it.each<[string, PolicyEvidence, string | undefined, string[], RegExp]>([
    ['a local run: the working tree is the policy', { source: 'worktree', changes: [] }, undefined, [], /No trusted policy: the working tree's config governs \(a local run\)\. In CI, pass --policy-ref/],
    ['a pull-request build with no trusted policy is pending', { source: 'worktree', changes: [], pullRequest: { ci: 'GitHub Actions', base: 'main', suggestion: '--policy-ref origin/main (fetched first) or --policy <file>' } }, 'pending', [], /GitHub Actions pull-request build into main with no trusted policy.*Pass --policy-ref origin\/main/],
    ['the base revision, nothing weakened', ref([]), undefined, [], /as strict as golive\.config\.json on origin\/main \(aaaaaaaaaaaa\)/],
    ['the base revision, no config there', ref([ADDED], { file: undefined }), undefined, ['golive.config.json:1 config-added'], /1 weakening of the defaults \(no config\) on origin\/main/],
    ['the base revision, two weakenings', ref([OFF, SIGNER]), undefined, ['golive.config.json:3 check-off', 'golive.config.json:9 signer-added'], /2 weakenings .*none applies until merged; the trusted values govern this run/],
    ['a policy file, nothing weakened', { source: 'file', file: '/etc/golive/policy.json', changes: [] }, undefined, [], /as strict as the policy file \/etc\/golive\/policy\.json\./],
    ['a policy file that outranked a ref', { source: 'file', file: '/etc/golive/policy.json', changes: [], ignoredRef: 'origin/main' }, undefined, [], /--policy outranks --policy-ref origin\/main/],
    ['a policy file inside the repository is a warning', { source: 'file', file: 'ci/policy.json', changes: [], fileInRepo: true }, undefined, [':0 policy-file-in-repo'], /as strict as the policy file ci\/policy\.json/],
  ])('%s', (_name, policy, status, where, summary) => {
    const out = judge(policy);
    expect(out.status).toBe(status);
    expect((out.findings ?? []).map((f) => `${f.file ?? ''}:${f.line ?? 0} ${f.messageId}`)).toEqual(where);
    expect(out.summary).toMatch(summary);
  });

  it('the in-repository policy file warns, never blocks', () => {
    const f = judge({ source: 'file', file: 'ci/policy.json', changes: [], fileInRepo: true }).findings ?? [];
    expect(f[0]?.severity).toBe('warning');
  });

  it('through the runner: a blocking failure that no inline comment or baseline can quiet; a trusted waiver can', async () => {
    const policy = ref([OFF, SIGNER]);
    const fpOff = fingerprint('policy.unchanged', OFF.file, `${OFF.kind}\0${OFF.key}\0${OFF.message}`);
    const suppressions = async () => new Map([['golive.config.json', [{ line: 3, ids: ['policy.unchanged'], reason: 'trust me' }, { line: 9, ids: ['policy'], reason: 'me too' }]]]);
    const params = (rawConfig: object) => ({
      root: '/nonexistent',
      config: configSchema.parse(rawConfig),
      options,
      checks: [policyUnchanged as Check],
      env: {},
      version: '9.9.9',
      failOn: 'error' as const,
      evidence: { policy },
      suppressions,
      baseline: { file: 'baseline.json', keys: new Set([baselineKey('policy.unchanged', fpOff)]) },
    });
    const r = await runChecks(params({}));
    const c = r.checks[0]!;
    expect(c.status).toBe('fail');
    expect(c.findings.every((f) => !f.suppressed && !f.baseline)).toBe(true);
    expect(r.summary).toMatchObject({ gate: 'fail', blocking: ['policy.unchanged'] });

    const waived = await runChecks(params({ waivers: [{ id: 'policy.unchanged', fingerprint: fpOff, reason: 'owner approved', owner: 'ci-owner', expires: '2099-01-01' }] }));
    expect(waived.checks[0]!.findings.filter((f) => f.waived).map((f) => f.messageId)).toEqual(['check-off']);
    expect(waived.checks[0]!.status).toBe('fail');
  });

  it('without a pre-resolved policy the collector recognises a pull-request build from the CI\'s variables', async () => {
    const run = (env: Record<string, string>) =>
      runChecks({ root: '/nonexistent', config: configSchema.parse({}), options, checks: [policyUnchanged as Check], env, version: '9.9.9', failOn: 'error' });
    expect((await run({})).checks[0]!.status).toBe('pass');
    expect((await run({ GITHUB_ACTIONS: 'true', GITHUB_BASE_REF: 'main' })).checks[0]!.status).toBe('pending');
    expect((await run({ GITLAB_CI: 'true', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop' })).checks[0]!.summary).toContain('--policy-ref origin/develop');
    // A push build on GitHub has no base ref: the working tree is the merged policy.
    expect((await run({ GITHUB_ACTIONS: 'true', GITHUB_BASE_REF: '' })).checks[0]!.status).toBe('pass');
  });
});
