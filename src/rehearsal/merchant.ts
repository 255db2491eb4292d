// Who a rehearsal is for: the repository's `origin` remote (normalised, credentials dropped) and a
// merchant id the config may declare (`rehearsal.merchantId`). A sign-off records both, and
// `golive check` accepts it only where they match, so a sign-off copied from another merchant's
// repository proves nothing here. The merchant's live key (fingerprinted) is the third binding.
import { createHash } from 'node:crypto';
import { git } from '../evidence/git.js';
import type { MerchantIdentity } from './types.js';

/** `git@github.com:Acme/shop.git`, `https://tok@github.com/acme/shop/` → `github.com/acme/shop`. */
export function normaliseRemote(remote: string): string | undefined {
  const r = remote.trim();
  if (!r) return undefined;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(r);
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r)) {
    host = scp[1] as string;
    path = scp[2] as string;
  } else {
    let u: URL;
    try {
      u = new URL(r);
    } catch {
      return undefined;
    }
    if (u.protocol === 'file:') return `file:${u.pathname.replace(/\/+$/, '').replace(/\.git$/, '')}`;
    host = u.port ? `${u.hostname}:${u.port}` : u.hostname;
    path = u.pathname;
  }
  const cleanPath = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  return `${host.toLowerCase().replace(/\.$/, '')}/${cleanPath}`;
}

export async function merchantIdentity(root: string, merchantId: string | undefined): Promise<MerchantIdentity> {
  let repository: string | undefined;
  try {
    const r = await git(['remote', 'get-url', 'origin'], root);
    if (r.code === 0) repository = normaliseRemote(r.stdout.toString('utf8'));
  } catch {
    // No git: the merchant id (and the key) still bind the sign-off.
  }
  return { ...(repository ? { repository } : {}), ...(merchantId ? { merchantId } : {}) };
}

/** Why two identities are different merchants, or undefined when nothing known differs. */
export function merchantMismatch(signed: MerchantIdentity | undefined, here: MerchantIdentity): string | undefined {
  if (signed?.merchantId && here.merchantId && signed.merchantId !== here.merchantId) return `merchant id "${signed.merchantId}", not this repository's "${here.merchantId}"`;
  if (signed?.repository && here.repository && signed.repository !== here.repository) return `repository ${signed.repository}, not this one (${here.repository})`;
  return undefined;
}

/** Whether the two share at least one identity that matches. */
export function merchantMatches(signed: MerchantIdentity | undefined, here: MerchantIdentity): boolean {
  return (!!signed?.merchantId && signed.merchantId === here.merchantId) || (!!signed?.repository && signed.repository === here.repository);
}

/** `SHA256:<base64>` of a MintCash public key: recorded instead of the key, compared instead of it. */
export function keyFingerprint(publicKey: string): string {
  return `SHA256:${createHash('sha256').update(publicKey, 'utf8').digest('base64').replace(/=+$/, '')}`;
}
