// The built CLI in a real pseudo-terminal (util-linux `script`), driven by a list of prompts and
// the keys a person types at each: for the parts of the rehearsal that only count when typed.
import { execa } from 'execa';
import { BIN, cleanEnv } from '../e2e/cli.js';

export async function hasScript(): Promise<boolean> {
  return (await execa('which', ['script'], { reject: false })).exitCode === 0;
}

/** Runs `golive <args>` in a pty; answers each prompt (in order) once its text has appeared after the previous one. */
export async function typeThrough(args: string[], env: Record<string, string>, steps: Array<[prompt: string, keys: string]>): Promise<{ exitCode: number | undefined; screen: string }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // A pty started from a pipe has no size (0 columns); give it one like a real terminal's.
  const cmd = `stty cols 160 rows 50; node ${BIN} ${quoted}`;
  const child = execa('script', ['-qefc', cmd, '/dev/null'], { env: cleanEnv({ ...env, TERM: 'xterm' }), extendEnv: false, reject: false, timeout: 120_000, stdin: 'pipe' });
  let seen = '';
  child.stdout?.on('data', (d: Buffer) => (seen += d.toString('utf8')));
  let from = 0;
  try {
    for (const [prompt, keys] of steps) {
      for (let i = 0; i < 6000 && seen.indexOf(prompt, from) < 0; i++) await new Promise((r) => setTimeout(r, 10));
      const at = seen.indexOf(prompt, from);
      if (at < 0) throw new Error(`never saw "${prompt}" in:\n${seen.slice(-3000)}`);
      from = at + prompt.length;
      await new Promise((r) => setTimeout(r, 60));
      child.stdin?.write(keys);
    }
    const r = await child;
    return { exitCode: r.exitCode, screen: seen };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}
