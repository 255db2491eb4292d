// The first-week milestone: `golive monitor --sign` writes the week's report as a signed document,
// with the same operator key, canonical JSON, digest and Ed25519 signature as the rehearsal
// sign-off (rehearsal/signing.ts, canonical.ts), verified the same way (`golive report --verify`)
// and against the same pinned signers (rehearsal.signers). `golive check --require-first-week`
// gates on the newest one.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CANONICAL_RULE, sha256Hex, signedText } from '../rehearsal/canonical.js';
import { loadOrCreateOperatorKey, operatorKeyPath, signText, type OperatorKey } from '../rehearsal/signing.js';
import { verifyDocument, type SignerPin, type VerifyResult } from '../rehearsal/signoff.js';
import { writeFileAtomic } from '../report/write.js';
import type { MetricId, MetricStatus, MonitorReport } from './types.js';

export const FIRST_WEEK_KIND = 'golive-first-week-signoff';
export const FIRST_WEEK_DIR = 'golive-first-week';

export interface FirstWeekSignOff {
  kind: typeof FIRST_WEEK_KIND;
  schemaVersion: 1;
  tool: MonitorReport['tool'];
  generatedAt: string;
  operator: { name: string; user: string; host: string };
  window: MonitorReport['window'];
  status: MonitorReport['status'];
  /** The four metrics at a glance: what `--require-first-week` judges. */
  metrics: Array<{ id: MetricId; status: MetricStatus; summary: string; alerts: string[] }>;
  report: MonitorReport;
  digestRule: string;
  signer: { name: string; publicKey: string; fingerprint: string };
  digest: { algorithm: 'sha256'; value: string };
  signature: { algorithm: 'ed25519'; value: string };
}

export function buildFirstWeekSignOff(report: MonitorReport, key: OperatorKey, operator: string, host = os.hostname(), user = os.userInfo().username): FirstWeekSignOff {
  const content = {
    kind: FIRST_WEEK_KIND,
    schemaVersion: 1 as const,
    tool: report.tool,
    generatedAt: report.generatedAt,
    operator: { name: operator, user, host },
    window: report.window,
    status: report.status,
    metrics: report.metrics.map((m) => ({ id: m.id, status: m.status, summary: m.summary, alerts: m.alerts.map((a) => a.id) })),
    report,
    digestRule: CANONICAL_RULE,
    signer: { name: operator, publicKey: key.publicKey, fingerprint: key.fingerprint },
  };
  // JSON round trip: digest and signature cover exactly what a reader parses back.
  const plain = JSON.parse(JSON.stringify(content)) as Omit<FirstWeekSignOff, 'digest' | 'signature'>;
  const text = signedText(plain as unknown as Record<string, unknown>);
  return { ...plain, digest: { algorithm: 'sha256', value: sha256Hex(text) }, signature: { algorithm: 'ed25519', value: signText(text, key.privateKey) } };
}

export function verifyFirstWeek(doc: unknown, pins: readonly SignerPin[] = []): VerifyResult {
  return verifyDocument(doc, pins, FIRST_WEEK_KIND);
}

export async function writeFirstWeekSignOff(
  report: MonitorReport,
  opts: { root: string; keyFile?: string; configKeyFile?: string; env: NodeJS.ProcessEnv; dir?: string; operator: string },
): Promise<string[]> {
  const keyFile = operatorKeyPath(opts.keyFile ?? opts.configKeyFile, opts.env);
  const key = await loadOrCreateOperatorKey(keyFile, opts.root);
  const doc = buildFirstWeekSignOff(report, key, opts.operator);
  const dir = path.resolve(opts.root, opts.dir ?? FIRST_WEEK_DIR);
  await mkdir(dir, { recursive: true });
  const stamp = report.generatedAt.replace(/[:.]/g, '-');
  const file = path.join(dir, `golive-first-week-${stamp}.json`);
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
  return [path.relative(process.cwd(), file) || file];
}
