// The example shops: their own server (examples/*/src/server.js) prints its URL once it listens, and
// a small handler with a leaky compare that several end-to-end tests commit. Shared by the demo and
// the end-to-end tests.
import type { ChildProcess } from 'node:child_process';

/** Resolves with `https://localhost:<port>` once the shop says it listens; rejects if it exits or takes 15 s. */
export function listeningUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 15_000);
    child.stdout!.on('data', (c) => {
      out += String(c);
      const m = /listening on (https:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/** A 12-line MintCash handler that compares with `!==` (line 8). */
export const COMPARING_HANDLER = `import crypto from 'node:crypto';

export function onMintCash(req, res) {
  const sig = String(req.headers['x-signature'] ?? '');
  const expected = crypto
    .createHmac('sha256', process.env.MINTCASH_WEBHOOK_SECRET)
    .update(req.rawBody).digest('hex');
  if (sig !== expected) return res.status(401).end();
  return res.status(200).end();
}

`;
