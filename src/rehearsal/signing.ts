// The operator's Ed25519 key (node:crypto): created on first use, stored 0600 outside the
// repository, and used to sign the canonical content of every sign-off. A digest alone proves
// nothing (anyone can recompute it); a signature proves who wrote the document, and
// `rehearsal.signers` in the config says whose signatures the organisation accepts.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GoliveError, describeError } from '../errors.js';

export interface OperatorKey {
  privateKey: KeyObject;
  /** Base64 of the SPKI DER encoding: what `rehearsal.signers[].publicKey` pins. */
  publicKey: string;
  fingerprint: string;
  file: string;
  created: boolean;
}

/** `SHA256:<base64 without padding>` of the SPKI DER bytes, the way ssh prints key fingerprints. */
export function fingerprintOf(publicKeyB64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** `--key-file`, then config `rehearsal.keyFile`, then GOLIVE_OPERATOR_KEY_FILE, then ~/.config/golive/. */
export function operatorKeyPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return path.resolve(explicit);
  if (env.GOLIVE_OPERATOR_KEY_FILE) return path.resolve(env.GOLIVE_OPERATOR_KEY_FILE);
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'golive', 'operator-ed25519.pem');
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Loads the operator key, creating it (0600, in a 0700 directory) the first time. */
export async function loadOrCreateOperatorKey(file: string, repoRoot: string): Promise<OperatorKey> {
  if (inside(repoRoot, file)) {
    throw new GoliveError('USAGE', `the operator key ${file} would be inside the repository`, {
      suggestion: 'Keep it out of the repository (it would be committed): use the default ~/.config/golive/operator-ed25519.pem or set rehearsal.keyFile elsewhere.',
    });
  }
  let pem: string | undefined;
  try {
    const st = await stat(file);
    if ((st.mode & 0o077) !== 0) {
      throw new GoliveError('USAGE', `the operator key ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)})`, { suggestion: `Run \`chmod 600 ${file}\`; anyone who can read it can sign as you.` });
    }
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof GoliveError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new GoliveError('IO', `cannot read the operator key ${file}: ${describeError(e)}`);
  }
  let created = false;
  if (pem === undefined) {
    const pair = generateKeyPairSync('ed25519');
    pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // `wx`: two first runs at once must not overwrite each other's key.
      await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new GoliveError('IO', `cannot create the operator key ${file}: ${describeError(e)}`, { suggestion: 'Set rehearsal.keyFile (or --key-file) to a writable place outside the repository.' });
      pem = await readFile(file, 'utf8');
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new GoliveError('USAGE', `${file} is not a private key`, { suggestion: 'Move it aside; golive creates a new operator key on the next run (pin the new public key).' });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new GoliveError('USAGE', `${file} is a ${privateKey.asymmetricKeyType} key; golive signs with Ed25519`);
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey, publicKey, fingerprint: fingerprintOf(publicKey), file, created };
}

export function signText(text: string, key: KeyObject): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
}

/** False for any malformed key or signature, never a throw: a forged file is a result, not a crash. */
export function verifyText(text: string, publicKeyB64: string, signatureB64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}
