// The body of `golive fix`: plans fixes for the fixable checks, prints them (diffs, exact lines,
// templates), writes the safe ones with --write and, at a terminal, the suggestions a person picks.
import path from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { selectChecks } from '../engine/registry.js';
import { GoliveError } from '../errors.js';
import { safeText } from '../fix/attach.js';
import type { Output } from '../output/boundary.js';
import { writeFileAtomic } from '../report/write.js';
import { applyEdits, combine, diffOf } from '../fix/edits.js';
import { untrack } from '../fix/env-file.js';
import { combinable, planFixes, type Plan, type Refused } from '../fix/plan.js';
import { FIXABLE, startSession, type Session } from '../fix/session.js';
import type { Fix } from '../fix/types.js';
import type { FixFlags } from './fix.js';
import type { Prompter } from './prompter.js';
import { loadProject, resolveTargetDir } from './shared.js';

export interface FixIO {
  env: NodeJS.ProcessEnv;
  /** The one way out for golive's bytes: every write masked with the run's Secrets. */
  output: Output;
  color: (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv) => boolean;
  /** Both stdin and stdout are a terminal: only then may suggestions be applied. */
  interactive: boolean;
  prompter: Prompter;
}

const TIER_LABEL = { safe: 'safe', suggestion: 'suggestion', template: 'template' } as const;

function colourDiff(diff: string, c: ChalkInstance): string {
  return diff
    .split('\n')
    .map((l) => (/^(\+\+\+|---)/.test(l) ? c.bold(l) : l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l.startsWith('@@') ? c.cyan(l) : l))
    .join('\n');
}

/** One fix as the terminal shows it: a header, its diff or exact lines, its notes. */
export function renderFix(fix: Fix, c: ChalkInstance): string {
  const where = fix.target.file ? `${fix.target.file}${fix.target.line ? `:${fix.target.line}` : ''}` : '';
  const head = `${c.bold(`[${TIER_LABEL[fix.tier]}]`)} ${fix.target.checkId}  ${where}\n  ${fix.title}`;
  const body = fix.files.length > 0 ? colourDiff(diffOf(fix.files), c) : '';
  const text = fix.text ? fix.text.split('\n').map((l) => `  ${l}`).join('\n') : '';
  const untracked = (fix.untrack ?? []).map((u) => `  git rm --cached -- ${u}`).join('\n');
  const notes = (fix.notes ?? []).map((n) => `  ${c.yellow('!')} ${n}`).join('\n');
  return safeText([head, body.replace(/\n$/, ''), text, untracked, notes].filter(Boolean).join('\n'));
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function renderRefused(refused: readonly Refused[]): string {
  return refused.map((r) => `golive: not offered: ${r.fix.target.checkId} ${r.fix.target.file ?? ''}${r.fix.target.line ? `:${r.fix.target.line}` : ''} (${r.fix.kind}): ${r.why}`).join('\n');
}

/** Writes the files of a set of fixes (combined per file) and untracks what they untrack. */
async function writeFixes(s: Session, fixes: readonly Fix[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of combine(fixes.flatMap((x) => x.files)).values()) {
    // Written only if the file is still what the fix was planned on.
    const now = f.created ? undefined : await s.read(f.file);
    if (!f.created && now !== f.original) throw new GoliveError('IO', `${f.file} changed while golive was fixing it; nothing was written to it`, { suggestion: 'Run golive fix again.' });
    await writeFileAtomic(path.join(s.root, f.file), applyEdits(f.original, f.edits));
    written.push(f.file);
  }
  const untracked = fixes.flatMap((x) => x.untrack ?? []);
  await untrack(s.root, untracked);
  return [...written, ...untracked.map((u) => `${u} (untracked)`)];
}

export async function runFixCommand(dir: string, flags: FixFlags, io: FixIO): Promise<number> {
  const root = await resolveTargetDir(dir);
  if (flags.suggestions && !io.interactive) {
    throw new GoliveError('USAGE', '--suggestions needs a terminal: a suggestion is applied only when a person picks it', {
      suggestion: 'Run `golive fix` to see every suggestion as a diff, and apply the ones you want by hand or at a terminal.',
    });
  }
  const { output } = io;
  const project = await loadProject(root, flags.config, { env: io.env, secrets: output.secrets });
  const selected = selectChecks(project.registry, flags.only, flags.skip).filter((c) => (FIXABLE as readonly string[]).includes(c.id));
  if (selected.length === 0) {
    throw new GoliveError('USAGE', 'none of the selected checks has fixes', { suggestion: `golive has fixes for ${FIXABLE.join(', ')}.` });
  }
  const c = new Chalk({ level: (flags.color ?? io.color(output.out, io.env)) ? 1 : 0 });
  // Fix text is cleaned where it is built (renderFix: tabs kept for a diff that must apply); the
  // boundary masks every secret the run knows of on the way out.
  const out = (s: string) => output.out.write(s.endsWith('\n') ? s : `${s}\n`, { ansi: true });
  const err = (s: string) => s && output.err.line(s);

  let session = await startSession(root, project.config, selected, io.env, {}, output.secrets);
  let plan: Plan = await planFixes(session);
  const safe = () => plan.fixes.filter((f) => f.tier === 'safe');
  if (!flags.quiet) err(renderRefused(plan.refused));

  if (flags.write && safe().length > 0) {
    const { kept, refused } = await combinable(session, safe());
    const written = await writeFixes(session, kept);
    err(renderRefused(refused));
    for (const f of kept) if (!flags.quiet) out(renderFix(f, c));
    out(`golive: applied ${count(kept.length, 'safe fix', 'safe fixes')}; wrote ${written.map(output.clean).join(', ')}`);
    // What is left is planned again on the files as they are now.
    session = await startSession(root, project.config, selected, io.env, {}, output.secrets);
    plan = await planFixes(session);
  }

  if (flags.suggestions) {
    const skipped = new Set<string>();
    for (;;) {
      const next = plan.fixes.find((f) => f.tier === 'suggestion' && f.files.length > 0 && !skipped.has(f.id));
      if (!next) break;
      out(renderFix(next, c));
      const answer = await io.prompter.select({ message: 'Apply this suggestion?', choices: [{ value: 'apply', name: 'apply' }, { value: 'skip', name: 'skip' }, { value: 'quit', name: 'stop here' }] });
      if (answer === 'quit') break;
      if (answer === 'skip') {
        skipped.add(next.id);
        continue;
      }
      const written = await writeFixes(session, [next]);
      out(`golive: applied; wrote ${written.map(output.clean).join(', ')}`);
      session = await startSession(root, project.config, selected, io.env, {}, output.secrets);
      plan = await planFixes(session);
    }
  }

  const left = plan.fixes.filter((f) => !(flags.write && f.tier === 'safe'));
  if (!flags.quiet) {
    const shown = flags.suggestions ? left.filter((f) => f.tier !== 'suggestion' || f.files.length === 0) : left;
    for (const f of shown) out(`${renderFix(f, c)}\n`);
    out(summary(plan.fixes, Boolean(flags.write)));
  }
  return left.length > 0 ? 1 : 0;
}
function summary(fixes: readonly Fix[], wrote: boolean): string {
  const by = (t: Fix['tier']) => fixes.filter((f) => f.tier === t);
  const safe = by('safe');
  const sugg = by('suggestion');
  const diffs = sugg.filter((f) => f.files.length > 0);
  const text = sugg.length - diffs.length;
  const templates = by('template');
  if (fixes.length === 0) return 'golive: nothing to fix: no finding of the checks run has a fix golive can prove.';
  const lines = [];
  if (safe.length > 0 && !wrote) lines.push(`${count(safe.length, 'safe fix', 'safe fixes')}: \`golive fix --write\` applies ${safe.length === 1 ? 'it' : 'them'}.`);
  if (diffs.length > 0) lines.push(`${count(diffs.length, 'suggestion')}: \`golive fix --suggestions\` lets you pick ${diffs.length === 1 ? 'it' : 'them'} at a terminal.`);
  if (text > 0) lines.push(`${count(text, 'text suggestion')} to apply by hand (the exact lines are shown).`);
  if (templates.length > 0) lines.push(`${count(templates.length, 'template')} to adapt by hand: golive never applies ${templates.length === 1 ? 'it' : 'them'}.`);
  return lines.join('\n');
}
