// `golive report --verify <file> [--online]`: reads a sign-off (JSON, Markdown or HTML), recomputes
// its digest, checks its Ed25519 signature against the signers pinned in the config, and with
// --online re-reads every id it names at MintCash with the keys from the environment.
import { readFile } from 'node:fs/promises';
import { GoliveError, describeError } from '../errors.js';
import type { GoliveConfig } from '../config/schema.js';
import { classifyBaseUrl, environmentMismatch, keyEnvironment } from '../mintcash/environments.js';
import { verifySignOffText, PRACTICE_BANNER } from './render.js';
import { pinAdvice, type SignerPin, type VerifyResult } from './signoff.js';

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

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/** Returns the exit code: 0 verified (online too, when asked), 1 not. */
export async function runVerifyCommand(file: string, config: GoliveConfig, opts: { online?: boolean; apiBaseUrl?: string }, io: VerifyCommandIO): Promise<number> {
  const pins = config.rehearsal?.signers ?? [];
  const r = await verifySignOffFile(file, pins);
  if (!r.ok) {
    io.out(`FAILED: ${file}: ${r.reason}`);
    return 1;
  }
  const who = `${r.signer.name} (Ed25519 ${r.signer.fingerprint}${r.pinned ? `, pinned as "${r.pinned.name}"` : ''})`;
  io.out(`OK: ${file} is intact and signed by ${who} (sha256 ${r.digest})`);
  if (r.doc.practice) io.out(`  ${PRACTICE_BANNER}`);
  if (!r.pinned) io.err(`golive: warning: ${pinAdvice(r.signer)}`);
  if (!opts.online) return 0;

  // The base URL comes from the config or the flag, never from the file: a forged file must not be
  // able to send the merchant's secret key to a server of its choosing.
  const target = r.doc.rehearsal.target;
  const baseUrl = opts.apiBaseUrl ?? config.api.baseUrl;
  if (trimSlash(baseUrl) !== trimSlash(target.baseUrl)) {
    io.out(`FAILED (online): the sign-off was made against ${target.baseUrl}, not ${baseUrl}; pass --api-base-url ${target.baseUrl} if you trust that API`);
    return 1;
  }
  const names = config.env;
  const publicKey = io.env[names.publicKey] ?? '';
  const secretKey = io.env[names.secretKey] ?? '';
  if (!publicKey || !secretKey) {
    throw new GoliveError('USAGE', `--online needs the ${target.keyEnvironment} key pair in ${names.publicKey} / ${names.secretKey}`, {
      suggestion: 'Export the merchant keys the rehearsal used (never as a flag); golive only reads with them.',
    });
  }
  const envs = [keyEnvironment(publicKey), keyEnvironment(secretKey)];
  if (envs.some((e) => e !== target.keyEnvironment)) {
    io.out(`FAILED (online): the sign-off was made with ${target.keyEnvironment} keys; the exported pair is ${envs.map((e) => e ?? 'not a MintCash key').join('/')}`);
    return 1;
  }
  const mismatch = environmentMismatch(envs, baseUrl);
  if (mismatch) throw new GoliveError('USAGE', `refusing to send ${target.keyEnvironment} keys to ${baseUrl} (${classifyBaseUrl(baseUrl)})`, { suggestion: 'Live keys only ever go to https://api.mintcash.me.' });
  const [{ createClient }, { verifyOnline }] = await Promise.all([import('../mintcash/client.js'), import('./online.js')]);
  const findings = await verifyOnline(r.doc, createClient({ baseUrl, publicKey, secretKey }));
  for (const f of findings) io.out(`  ${f.ok ? '✔' : '✖'} ${f.what}: ${f.detail}`);
  const bad = findings.filter((f) => !f.ok);
  if (findings.length === 0) {
    io.out(`FAILED (online): the sign-off names nothing done that MintCash could confirm`);
    return 1;
  }
  if (bad.length > 0) {
    io.out(`FAILED (online): MintCash does not confirm ${bad.map((f) => f.what).join(', ')}: the sign-off claims what did not happen`);
    return 1;
  }
  io.out(`OK (online): MintCash confirms all ${findings.length} claims with the ${target.keyEnvironment} keys at ${baseUrl}`);
  return 0;
}
