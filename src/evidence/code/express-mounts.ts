// Cross-file Express wiring: an app file mounts `express.json()` and then the webhook router that
// lives in another file (`app.use('/webhooks', webhookRouter)`). The JSON parser consumes the body
// before the router's HMAC sees it, so the parser is recorded on the handler of the mounted file.
import path from 'node:path';
import type { ExpressFacts, WebhookHandler } from './types.js';

/** A module's key for import resolution: no JS/TS extension, no trailing /index. */
export const stripExt = (p: string): string => p.replace(/\.(?:[cm]?[jt]sx?)$/, '').replace(/\/index$/, '');

/** The repo path an import specifier in `from` refers to (extension and /index dropped), if relative. */
export function resolveSpec(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return stripExt(path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)));
}

export function linkExpressParsers(handlers: WebhookHandler[], apps: readonly { file: string; facts: ExpressFacts }[]): void {
  for (const h of handlers) {
    if (h.isTest || (h.language !== 'js' && h.language !== 'ts')) continue;
    const target = stripExt(h.file);
    for (const app of apps) {
      if (app.file === h.file) continue;
      for (const m of app.facts.mounts) {
        if (resolveSpec(app.file, m.spec) !== target) continue;
        for (const p of app.facts.parsers) {
          // Mounted after the router, or scoped to another prefix: it never sees webhook requests.
          if (p.at > m.at || (p.scope && !(m.path ?? '/').startsWith(p.scope))) continue;
          if (h.jsonParsers.some((x) => x.file === p.file && x.line === p.line)) continue;
          h.jsonParsers.push({ file: p.file, line: p.line, column: p.column, text: p.text });
        }
      }
    }
  }
}
