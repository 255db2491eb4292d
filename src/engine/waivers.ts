// Waivers (config: id + fingerprint or path glob, reason, owner, expiry) and baselines (a previous
// JSON report whose findings are known and accepted). Both mark findings; neither deletes them.
import picomatch from 'picomatch';
import type { WaiverConfig } from '../config/schema.js';
import type { CheckResult, WaiverReport } from './types.js';

export interface Baseline {
  file: string;
  /** `${checkId}\0${fingerprint}` of every finding in the previous report. */
  keys: ReadonlySet<string>;
}

export function baselineKey(checkId: string, fp: string): string {
  return `${checkId}\0${fp}`;
}

/** A waiver expires at the end of its `expires` day (UTC) when only a date is given. */
function expiryTime(expires: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T23:59:59.999Z`) : Date.parse(expires);
}

export function applyWaivers(
  results: CheckResult[],
  waivers: readonly WaiverConfig[],
  baseline: Baseline | undefined,
  now: Date,
): WaiverReport[] {
  const reports: WaiverReport[] = waivers.map((w) => ({
    id: w.id,
    ...(w.fingerprint ? { fingerprint: w.fingerprint } : {}),
    ...(w.path ? { path: w.path } : {}),
    reason: w.reason,
    owner: w.owner,
    expires: w.expires,
    state: expiryTime(w.expires) < now.getTime() ? 'expired' : 'unused',
    matched: 0,
  }));
  const matchers = waivers.map((w) => (w.path ? picomatch(w.path, { dot: true }) : undefined));

  for (const r of results) {
    for (const f of r.findings) {
      if (baseline && f.fingerprint && baseline.keys.has(baselineKey(r.id, f.fingerprint))) f.baseline = true;
      waivers.forEach((w, i) => {
        const rep = reports[i]!;
        if (w.id !== r.id) return;
        const byFp = w.fingerprint !== undefined && w.fingerprint === f.fingerprint;
        const byPath = matchers[i] !== undefined && f.file !== undefined && matchers[i]!(f.file);
        if (!byFp && !byPath) return;
        rep.matched++;
        if (rep.state === 'expired') return;
        rep.state = 'active';
        f.waived = { reason: w.reason, owner: w.owner, expires: w.expires };
      });
    }
  }
  return reports;
}
