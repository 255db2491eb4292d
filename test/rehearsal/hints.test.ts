// Every hint golive gives for the rehearsal names a flag that exists: each `golive <command> …`
// written in the rehearsal's source (steps, CLI, init, checks) and in the README is parsed, and each
// of its flags must be one that command accepts. (A hint that says "pass --webhook-url" to a
// command without it, or drops --api-base-url from a resume command, sent operators to exit 2.)
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { createOutput } from '../../src/output/boundary.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function sources(): Promise<Array<{ file: string; text: string }>> {
  const files = [
    ...(await readdir(path.join(ROOT, 'src/rehearsal'))).map((f) => `src/rehearsal/${f}`),
    ...(await readdir(path.join(ROOT, 'checks'))).filter((f) => f.startsWith('rehearsal-')).map((f) => `checks/${f}`),
    'src/cli/rehearse.ts',
    'src/cli/rehearse-run.ts',
    'src/cli/rehearse-cleanup.ts',
    'src/cli/init-run.ts',
    'src/cli/emulate.ts',
    'src/evidence/rehearsal.ts',
    'README.md',
  ];
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(ROOT, file), 'utf8') })));
}

function flagsOf(cmd: Command): Set<string> {
  const out = new Set<string>(['--help']);
  for (const o of cmd.options) {
    if (o.long) out.add(o.long);
    if (o.long?.startsWith('--no-')) out.add(`--${o.long.slice(5)}`);
  }
  return out;
}

describe('rehearsal hints', () => {
  it('name only flags their command has', async () => {
    const program = await buildProgram(() => undefined, createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never }));
    const commands = new Map(program.commands.map((c) => [c.name(), flagsOf(c)]));
    const problems: string[] = [];
    let seen = 0;
    for (const { file, text } of await sources()) {
      for (const m of text.matchAll(/golive (rehearse|check|report|emulate|init)\b([^`'"\n|)]*)/g)) {
        const [, name, rest] = m as unknown as [string, string, string];
        const known = commands.get(name)!;
        for (const flag of rest.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []) {
          seen++;
          if (!known.has(flag)) problems.push(`${file}: \`golive ${name}${rest}\` names ${flag}, which golive ${name} does not have`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(seen).toBeGreaterThan(40); // the scan found the hints (it is not vacuous)
  });

  it('the resume hint of a paused practice run is the whole command, --api-base-url included', async () => {
    const { resumeCommandOf } = await import('../../src/cli/rehearse-run.js');
    expect(resumeCommandOf('.', { apiBaseUrl: 'http://127.0.0.1:4010', webhookUrl: 'https://shop.example/h', config: 'golive.practice.json' })).toBe(
      'golive rehearse --config golive.practice.json --api-base-url http://127.0.0.1:4010 --webhook-url https://shop.example/h',
    );
    expect(resumeCommandOf('shop dir', { answers: "a b's.yaml" })).toBe(`golive rehearse 'shop dir' --answers 'a b'\\''s.yaml'`);
  });
});
