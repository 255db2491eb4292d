// SARIF checks shared by unit and end-to-end tests: the official OASIS SARIF 2.1.0 schema (errata
// 01, a copy in test/fixtures/schemas, draft-04, hence ajv-draft-04) and the upload rules GitHub
// code scanning documents on top of it ("SARIF support for code scanning").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv-draft-04';
import formatsModule from 'ajv-formats';

// Both are CommonJS with a `default` member: take it explicitly under NodeNext resolution.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/schemas/sarif-schema-2.1.0.json');
let validate: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;

/** Schema violations as `path: message` lines; [] when the log is valid SARIF 2.1.0. */
export function schemaProblems(log: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);
}

/**
 * GitHub's documented requirements and limits for an upload: at least one location per result, a
 * relative URI inside the repository, ruleId matching a rule, at most 20 runs, 25 000 results and
 * rules per run, 1 000 locations per result, 20 tags per rule, security-severity a number 0–10.
 */
export function githubProblems(log: Obj): string[] {
  const p: string[] = [];
  const need = (cond: unknown, msg: string) => {
    if (!cond) p.push(msg);
  };
  need(log.version === '2.1.0', 'version 2.1.0');
  need(Array.isArray(log.runs) && log.runs.length >= 1 && log.runs.length <= 20, '1-20 runs');
  for (const run of log.runs ?? []) {
    const rules: Obj[] = run.tool?.driver?.rules ?? [];
    need(rules.length <= 25_000, 'at most 25 000 rules');
    need(typeof run.automationDetails?.id === 'string' && run.automationDetails.id.length > 0, 'automationDetails.id (a category per analysis)');
    for (const r of rules) {
      const tags: unknown[] = r.properties?.tags ?? [];
      need(tags.length <= 20, `${r.id}: at most 20 tags`);
      const sev = r.properties?.['security-severity'];
      if (sev !== undefined) {
        need(/^\d+(\.\d+)?$/.test(sev) && Number(sev) >= 0 && Number(sev) <= 10, `${r.id}: security-severity 0-10`);
        need(tags.includes('security'), `${r.id}: security-severity only counts with the security tag`);
      }
      if (r.helpUri !== undefined) need(/^https:\/\//.test(r.helpUri), `${r.id}: helpUri absolute https`);
    }
    const results: Obj[] = run.results ?? [];
    need(results.length <= 25_000, 'at most 25 000 results');
    results.forEach((res, i) => {
      need(rules.some((r) => r.id === res.ruleId), `results[${i}]: ruleId names a rule`);
      need(typeof res.message?.text === 'string' && res.message.text.length > 0, `results[${i}]: message.text`);
      const locs: Obj[] = res.locations ?? [];
      need(locs.length >= 1 && locs.length <= 1000, `results[${i}]: expected at least one location`);
      for (const l of locs) {
        const uri: unknown = l.physicalLocation?.artifactLocation?.uri;
        need(typeof uri === 'string' && uri.length > 0, `results[${i}]: artifactLocation.uri`);
        if (typeof uri === 'string') {
          need(!/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/'), `results[${i}]: uri relative to the repository (${uri})`);
          need(!uri.split('/').includes('..') && !/[\s\\]/.test(uri), `results[${i}]: uri inside the repository, URI-encoded (${uri})`);
        }
        const line = l.physicalLocation?.region?.startLine;
        need(line === undefined || (Number.isInteger(line) && line >= 1), `results[${i}]: startLine >= 1`);
      }
    });
  }
  return p;
}

/**
 * Microsoft's SARIF Multitool (`@microsoft/sarif-multitool`, a dev dependency), as GitHub's docs
 * suggest for checking a log before upload: `validate --rule-kind Ghas`, the GitHub Advanced
 * Security rules (locations, regions, relative URIs, fingerprints, message strings). Returns the
 * problems it reports, as `RULE level: message`.
 */
export async function multitoolProblems(file: string): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const { execa } = await import('execa');
  const bin = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
  const out = `${file}.validation.sarif`;
  // Invariant globalization: the .NET tool then needs no libicu, which a slim CI image may lack.
  const r = await execa(bin, ['validate', '--rule-kind', 'Ghas', '--log', 'ForceOverwrite', '-o', out, file], { reject: false, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' } });
  if (r.exitCode !== 0) return [`multitool exited ${r.exitCode}: ${r.stdout}${r.stderr}`];
  const log = JSON.parse(readFileSync(out, 'utf8')) as Obj;
  const run = log.runs?.[0] ?? {};
  const text = (m: Obj) => m.message?.text ?? (m.message?.arguments ?? []).join(' | ') ?? m.message?.id;
  return [
    ...((run.results ?? []) as Obj[]).filter((x) => x.level !== 'note' && x.level !== 'none').map((x) => `${x.ruleId} ${x.level ?? 'warning'}: ${text(x)}`),
    ...((run.invocations?.[0]?.toolExecutionNotifications ?? []) as Obj[]).filter((n) => n.level === 'error').map((n) => `notification: ${text(n)}`),
  ];
}
