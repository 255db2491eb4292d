// A client target approved by the real send rule (mintcash/hosts.ts), as the operator would get it
// with --api-base-url (and --allow-live-host for live keys on this machine, e.g. the emulator's
// live base URL): tests reach the client only through the rule, never around it.
import { decideSend, parseHostSpec, type ApprovedSend } from '../../src/mintcash/hosts.js';

export function approved(url: string, keys: { publicKey: string; secretKey: string }, opts: { allowLive?: boolean } = {}): ApprovedSend {
  const allow = opts.allowLive ? [parseHostSpec(new URL(url).host, '--allow-live-host')!] : [];
  const d = decideSend({ operator: { baseUrl: { url, from: '--api-base-url' }, allowLiveHosts: allow }, configUrl: url, keys: [keys.publicKey, keys.secretKey] });
  if (!d.ok) throw new Error(d.message);
  return d;
}
