// The check registry: validated once at load so a bad check is caught before any run.
import { GoliveError } from '../errors.js';
import { EVIDENCE_KEYS } from '../evidence/index.js';
import { SECTIONS, SEVERITIES, type Check, type Section } from './types.js';

export interface Registry {
  checks: Check[];
  byId: Map<string, Check>;
  ids: ReadonlySet<string>;
}

// Built-in ids are `section.name`; plugin ids are `namespace/name`, so they can never clash.
const BUILTIN_ID = /^[a-z]+\.[a-z0-9*][a-z0-9-]*$/;
const PLUGIN_ID = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9.-]*$/;

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : v === undefined ? 'undefined' : String(v).slice(0, 40));

/** Every problem with the given checks, one line each (empty when they are all fine). */
export function checkProblems(checks: readonly Check[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, c] of checks.entries()) {
    const from = c?.source ? ` (plugin ${c.source})` : '';
    const label = `${typeof c?.id === 'string' ? c.id : `check #${i + 1}`}${from}`;
    if (!c || typeof c !== 'object') {
      problems.push(`${label}: is not a check object`);
      continue;
    }
    const idOk = typeof c.id === 'string' && (c.source ? PLUGIN_ID : BUILTIN_ID).test(c.id);
    if (!idOk) problems.push(`${label}: id must look like ${c.source ? '"namespace/name"' : '"section.name"'}`);
    else if (seen.has(c.id)) problems.push(`${label}: duplicate id`);
    else seen.add(c.id);
    if (!(SECTIONS as readonly string[]).includes(c.section) && !(c.source && typeof c.id === 'string' && c.section === c.id.split('/')[0])) {
      problems.push(`${label}: unknown section "${String(c.section)}" (${SECTIONS.join(', ')}${c.source ? ', or the plugin\'s namespace for a section of its own' : ''})`);
    }
    for (const field of ['title', 'failureTitle', 'why', 'fix'] as const) {
      if (typeof c[field] !== 'string' || c[field].trim() === '') problems.push(`${label}: ${field} ${c[field] === undefined ? 'is missing' : `= ${show(c[field])} must be a non-empty string`}`);
    }
    if (!['static', 'network', 'manual'].includes(c.kind)) problems.push(`${label}: kind = ${show(c.kind)} must be static, network or manual`);
    if (!(SEVERITIES as readonly string[]).includes(c.defaultSeverity)) problems.push(`${label}: defaultSeverity = ${show(c.defaultSeverity)} must be error or warning`);
    if (!Array.isArray(c.requires)) problems.push(`${label}: requires must be a list of evidence names`);
    else for (const r of c.requires) if (!EVIDENCE_KEYS.includes(r)) problems.push(`${label}: requires unknown evidence "${String(r)}"`);
    if (typeof c.run !== 'function') problems.push(`${label}: run is not a function`);
  }
  return problems;
}

export function createRegistry(checks: readonly Check[]): Registry {
  const problems = checkProblems(checks);
  if (problems.length > 0) {
    throw new GoliveError('INTERNAL', `the check registry is invalid`, { details: problems });
  }
  // Plugin checks join their section, and plugins' own sections follow the checklist's, in config
  // order; the sort is stable, so the order holds within a section.
  const rank = (s: string) => {
    const i = (SECTIONS as readonly string[]).indexOf(s);
    return i === -1 ? SECTIONS.length : i;
  };
  const ordered = [...checks].sort((a, b) => rank(a.section) - rank(b.section));
  const byId = new Map(ordered.map((c) => [c.id, c]));
  return { checks: ordered, byId, ids: new Set(byId.keys()) };
}

/** Resolves `--only`/`--skip` names (ids or section names); unknown names are a usage error. */
// A name is an id, a section, `section.*`, or a plugin namespace (`acme` selects every `acme/…`).
const matches = (name: string, c: Check) =>
  c.id === name || c.section === name || (name.endsWith('.*') && c.id.startsWith(name.slice(0, -1))) || c.id.startsWith(`${name}/`);

/** The checks --only and --skip leave in, names that match none of them ignored. */
export function filterChecks(checks: readonly Check[], only?: string[], skip?: string[]): Check[] {
  return checks.filter((c) => (!only?.length || only.some((n) => matches(n, c))) && !(skip ?? []).some((n) => matches(n, c)));
}

export function selectChecks(registry: Registry, only?: string[], skip?: string[]): Check[] {
  const unknown = [...(only ?? []), ...(skip ?? [])].filter(
    (n) => !registry.checks.some((c) => matches(n, c)) && !(SECTIONS as readonly string[]).includes(n),
  );
  if (unknown.length > 0) {
    throw new GoliveError('USAGE', `unknown check or section: ${unknown.join(', ')}`, {
      suggestion: 'Run `golive list` to see every id and section.',
    });
  }
  return filterChecks(registry.checks, only, skip);
}

export function sectionOf(id: string): Section | undefined {
  const s = id.split('.')[0];
  return (SECTIONS as readonly string[]).includes(s ?? '') ? (s as Section) : undefined;
}
