// `golive report --verify <file> [--online]`: reads a sign-off (JSON, Markdown or HTML), recomputes
// its digest, checks its Ed25519 signature against the signers pinned in the config, and with
// --online re-reads every id it names at MintCash with the keys from the environment, where the
// send rule (mintcash/hosts.ts) lets them go.
import { readFile } from 'node:fs/promises';
import { GoliveError, describeError } from '../errors.js';
import type { GoliveConfig } from '../config/schema.js';
import { keyEnvironment } from '../mintcash/environments.js';
import { decideSend, sameApiUrl, type ApprovedSend, type OperatorApi } from '../mintcash/hosts.js';
import { verifySignOffText, PRACTICE_BANNER, SCRIPTED_BANNER } from './render.js';
import { pinAdvice, signerText, type SignerPin, type SignOff, type VerifyResult } from './signoff.js';

export async function verifySignOffFile(file: string, pins: readonly SignerPin[] = []): Promise<VerifyResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GoliveError('IO', `cannot read ${file}: ${describeError(e)}`, { suggestion: 'Pass the path of a sign-off written by `golive rehearse`.' });
  }
  return verifySignOffText(text, pins);
}

export interface VerifyCommandIO {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export type OnlinePlan = { ok: true; target: ApprovedSend } | { ok: false; reason: string; usage?: boolean };

/** Where the online re-read may go: the operator's choices (flags, environment) and the config's api.baseUrl. */
export interface OnlineApi {
  operator?: OperatorApi;
  configUrl: string;
}

/**
 * Whether the keys at hand may be sent to re-read `doc`, and why not. The base URL comes from the
 * operator or the config, never from the file (a forged file must not choose where the secret key
 * goes), and must be the sign-off's own API; then the one send rule decides (live keys only to
 * MintCash's live API, or a host the operator named and allowed).
 */
export function planOnline(doc: SignOff, api: OnlineApi, keys: { publicKey: string; secretKey: string } | undefined, names: { publicKey: string; secretKey: string }): OnlinePlan {
  const target = doc.rehearsal.target;
  if (!keys?.publicKey || !keys.secretKey) return { ok: false, usage: true, reason: `--online needs the ${target.keyEnvironment} key pair in ${names.publicKey} / ${names.secretKey}` };
  const envs = [keyEnvironment(keys.publicKey), keyEnvironment(keys.secretKey)];
  if (envs.some((e) => e !== target.keyEnvironment)) return { ok: false, reason: `the sign-off was made with ${target.keyEnvironment} keys; the exported pair is ${envs.map((e) => e ?? 'not a MintCash key').join('/')}` };
  const baseUrl = api.operator?.baseUrl?.url ?? api.configUrl;
  if (!sameApiUrl(baseUrl, target.baseUrl)) return { ok: false, reason: `the sign-off was made against ${target.baseUrl}, not ${baseUrl}; pass --api-base-url ${target.baseUrl} if you trust that API` };
  const d = decideSend({ ...(api.operator ? { operator: api.operator } : {}), configUrl: api.configUrl, keys: [keys.publicKey, keys.secretKey] });
  if (!d.ok) return { ok: false, usage: true, reason: d.message };
  return { ok: true, target: d };
}

/** Returns the exit code: 0 verified (online too, when asked), 1 not. */
export async function runVerifyCommand(file: string, config: GoliveConfig, opts: { online?: boolean; api?: OperatorApi }, io: VerifyCommandIO): Promise<number> {
  const pins = config.rehearsal?.signers ?? [];
  const r = await verifySignOffFile(file, pins);
  if (!r.ok) {
    io.out(`FAILED: ${file}: ${r.reason}`);
    return 1;
  }
  io.out(`OK: ${file} is intact and signed by ${signerText(r.signer, r.pinned)} (sha256 ${r.digest})`);
  if (r.doc.practice) io.out(`  ${PRACTICE_BANNER}`);
  if (r.doc.scripted) io.out(`  ${SCRIPTED_BANNER}`);
  if (!r.pinned) io.err(`golive: warning: ${pinAdvice(r.signer)}`);
  if (!opts.online) return 0;
  if ((r.doc as { kind: string }).kind !== 'golive-rehearsal-signoff') {
    io.out(`FAILED (online): --online re-reads a rehearsal's payments; ${file} is a first-week report (run golive monitor --reconcile instead)`);
    return 1;
  }

  const names = config.env;
  const keys = { publicKey: io.env[names.publicKey] ?? '', secretKey: io.env[names.secretKey] ?? '' };
  const plan = planOnline(r.doc, { ...(opts.api ? { operator: opts.api } : {}), configUrl: config.api.baseUrl }, keys, names);
  if (!plan.ok) {
    if (plan.usage) throw new GoliveError('USAGE', plan.reason, { suggestion: 'Export the merchant keys the rehearsal used (never as a flag); golive only reads with them. README "Where keys are sent" says where they may go.' });
    io.out(`FAILED (online): ${plan.reason}`);
    return 1;
  }
  const [{ createClient }, { verifyOnline }] = await Promise.all([import('../mintcash/client.js'), import('./online.js')]);
  if (plan.target.announce) io.err(plan.target.announce);
  const findings = await verifyOnline(r.doc, createClient({ target: plan.target, ...keys }));
  for (const f of findings) io.out(`  ${f.ok ? '✔' : '✖'} ${f.what}: ${f.detail}`);
  const unverifiable = findings.find((f) => f.kind);
  if (unverifiable) {
    io.out(`FAILED (online): could not verify: ${unverifiable.kind === 'auth' ? 'MintCash refused the key pair' : 'MintCash could not be reached'}; this says nothing about the rehearsal`);
    return 1;
  }
  const bad = findings.filter((f) => !f.ok);
  if (findings.length === 0) {
    io.out(`FAILED (online): the sign-off names nothing done that MintCash could confirm`);
    return 1;
  }
  if (bad.length > 0) {
    io.out(`FAILED (online): MintCash does not confirm ${bad.map((f) => f.what).join(', ')}: the sign-off claims what did not happen`);
    return 1;
  }
  io.out(`OK (online): MintCash confirms all ${findings.length} claims with the ${r.doc.rehearsal.target.keyEnvironment} keys at ${plan.target.url.href}`);
  return 0;
}
