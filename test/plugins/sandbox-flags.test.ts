// The sandbox keeps QuickJS's WebAssembly on V8's baseline compiler (Liftoff): tiering its
// interpreter up to TurboFan cost more CPU than the plugins' own work (sandbox.ts). The flag is
// the process's and V8 reads it only when a function would tier up, so this runs a real process
// on the running Node: a hot WebAssembly loop tiers up to TurboFan in a plain process (the control:
// the check below can see a tier-up) and stays on Liftoff once golive has started its sandbox.
import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SANDBOX = pathToFileURL(path.join(REPO, 'dist/src/plugins/sandbox.js')).href;

// (func (export "f") (param i32) (result i32) (local i32): adds n, n-1, … 1 in a loop.
const WASM = [0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 27, 1, 25, 1, 1, 127, 3, 64, 32, 1, 32, 0, 106, 33, 1, 32, 0, 65, 1, 107, 34, 0, 13, 0, 11, 32, 1, 11];

/** Runs the loop hot until TurboFan has it or 1.5 s of calls have passed (TurboFan takes it within a few hundred calls); prints the tier it ends on. */
const script = (startSandbox: boolean) => `
${startSandbox ? `const { prestartSandbox, stopAllPlugins } = await import(${JSON.stringify(SANDBOX)}); prestartSandbox();` : ''}
const f = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${JSON.stringify(WASM)}))).exports.f;
for (let i = 0; i < 200; i++) f(100000);
const until = Date.now() + 1500;
while (!%IsTurboFanFunction(f) && Date.now() < until) f(100000);
console.log(%IsTurboFanFunction(f) ? 'turbofan' : %IsLiftoffFunction(f) ? 'liftoff' : 'other');
${startSandbox ? 'await stopAllPlugins();' : ''}
`;

const tierOf = async (startSandbox: boolean) =>
  (await execa(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script(startSandbox)], { cwd: REPO })).stdout.trim();

describe('the sandbox and V8 tier-up', () => {
  it('a hot WebAssembly function tiers up to TurboFan in a plain process (control)', async () => {
    expect(await tierOf(false)).toBe('turbofan');
  });

  it('stays on Liftoff once golive has started the plugin sandbox, with nothing said on stderr', async () => {
    const r = await execa(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script(true)], { cwd: REPO });
    expect(r.stdout.trim()).toBe('liftoff');
    expect(r.stderr).toBe('');
  });
});
