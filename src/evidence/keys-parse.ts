// Pure readers for the key inventory: turn the text of a production config file (dotenv, JSON,
// YAML or other text) into credential items with positions. No I/O; problems come back as data
// with line numbers only, never source text, which may hold a secret.
import path from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { GoliveConfig } from '../config/schema.js';
import { SANDBOX_HOST, containsKey, findKeysInText, isPlaceholder, looksLikeApiKey, mentionsSandbox } from '../mintcash/keys.js';
import { parseDotenv } from './dotenv.js';
import { isSecretName } from '../output/secrets.js';
import type { CredentialItem, KeyRole } from './types.js';

export const ROLES: readonly KeyRole[] = ['publicKey', 'secretKey', 'webhookSecret'];

export type RoleOf = (name: string) => KeyRole | undefined;

export function roleLookup(config: GoliveConfig): RoleOf {
  const byName = new Map<string, KeyRole>(ROLES.map((r) => [config.env[r], r]));
  return (name) => byName.get(name);
}

type Source = CredentialItem['source'];
type Pos = { file: string; line: number; column: number };

export interface Parsed {
  items: CredentialItem[];
  problems: string[];
  /** Values of other secret-named settings, for masking only (KeyInventory.otherSecrets). */
  secrets?: string[];
}

/** A value worth masking: under a secret-sounding name, long enough not to be a flag or a word. */
const maskable = (name: string, value: string) => isSecretName(name) && value.trim().length >= 8 && !isPlaceholder(value);

/**
 * The items one assignment contributes. A configured name is kept whatever its value (so a
 * malformed key gets judged), other names only for key-shaped values or sandbox mentions.
 * `roleName` is the variable name when `name` is a longer path (YAML).
 */
export function itemsFor(source: Source, name: string, value: string, roleOf: RoleOf, pos?: Pos, roleName = name): CredentialItem[] {
  const role = roleOf(roleName);
  const at = (column?: number) => (pos ? { file: pos.file, line: pos.line, column: column ?? pos.column } : {});
  const base = { source, name, ...(role ? { role } : {}) };
  if (role) return isPlaceholder(value) ? [] : [{ ...base, ...at(), value }];
  if (looksLikeApiKey(value) && containsKey(value)) return [{ ...base, ...at(), value }];
  const out: CredentialItem[] = findKeysInText(value).map((k) => ({ ...base, ...at(pos ? pos.column + k.index : undefined), value: k.value }));
  if (out.length === 0 && mentionsSandbox(value)) out.push({ ...base, ...at(), value });
  return out;
}

export function fromDotenv(text: string, file: string, source: Source, roleOf: RoleOf): Parsed {
  const { entries, problems } = parseDotenv(text);
  return {
    items: entries.flatMap((e) => itemsFor(source, e.name, e.value, roleOf, { file, line: e.line, column: e.column })),
    problems: problems.map((p) => `${file}: ${p.message}`),
    secrets: entries.filter((e) => maskable(e.name, e.value)).map((e) => e.value),
  };
}

const COMMENT_LINE = /^\s*(?:\/\/|#|\*|\/\*|<!--|;)/;
const NAME_BEFORE = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*["'`]?$/;

/** Other text (JS/TS/TOML config): a line scan, naming each value after its assignment. */
export function fromText(text: string, file: string, roleOf: RoleOf): Parsed {
  const items: CredentialItem[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    if (COMMENT_LINE.test(lineText)) return;
    const line = i + 1;
    const nameAt = (index: number) => NAME_BEFORE.exec(lineText.slice(0, index))?.[1] ?? `${file}:${line}`;
    for (const k of findKeysInText(lineText)) {
      const name = nameAt(k.index);
      const role = roleOf(name);
      items.push({ source: 'config-file', name, ...(role ? { role } : {}), file, line, column: k.index + 1, value: k.value });
    }
    const s = lineText.toLowerCase().indexOf(SANDBOX_HOST);
    if (s >= 0) {
      const scheme = /[A-Za-z][A-Za-z0-9+.-]*:\/\/$/.exec(lineText.slice(0, s))?.[0] ?? '';
      const start = s - scheme.length;
      const value = /^[^\s"'`,;)]+/.exec(lineText.slice(start))?.[0] ?? SANDBOX_HOST;
      items.push({ source: 'config-file', name: nameAt(start), file, line, column: start + 1, value });
    }
  });
  return { items, problems: [] };
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** JSON or YAML (the `yaml` package reads both), every string value named by its dotted path. */
export function fromStructured(text: string, file: string, roleOf: RoleOf): Parsed {
  const lineCounter = new LineCounter();
  const items: CredentialItem[] = [];
  const problems: string[] = [];
  const secrets: string[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    return { items, problems: [`${file}: cannot be parsed as JSON or YAML (${e instanceof Error ? e.name : 'error'})`] };
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
      // Not err.message: it quotes the offending source, which may be a secret.
      problems.push(`${file}: not valid JSON/YAML${line ? ` at line ${line}` : ''} (${err.code}); its values were not checked`);
      continue;
    }
    walk(doc.contents as Node | null, [], undefined);
  }
  return { items, problems, secrets };

  function positionOf(node: Node): { line: number; column: number } {
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    const p = lineCounter.linePos((node.range?.[0] ?? 0) + (quoted ? 1 : 0));
    return { line: p.line, column: p.col };
  }

  function walk(node: Node | null | undefined, trail: string[], nameHint: string | undefined): void {
    if (!node) return;
    if (isMap(node)) {
      // Kubernetes-style `{ name: X, value: ... }` entries: the value is named by its sibling.
      const sib = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'name');
      const sibName = sib && isScalar(sib.value) && typeof sib.value.value === 'string' ? sib.value.value : undefined;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        walk(pair.value as Node | null, [...trail, key], key === 'value' ? sibName : undefined);
      }
      return;
    }
    if (isSeq(node)) {
      node.items.forEach((child, i) => walk(child as Node | null, [...trail, String(i)], undefined));
      return;
    }
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const pos = { file, ...positionOf(node) };
    const dotted = trail.join('.') || '(root)';
    const last = trail[trail.length - 1] ?? '';
    // Compose-style `environment: ["NAME=value"]` entries carry their own name.
    const assign = /^\d+$/.test(last) ? ASSIGNMENT.exec(node.value) : null;
    if (assign && roleOf(assign[1]!)) {
      const col = pos.column + assign[1]!.length + 1;
      items.push(...itemsFor('config-file', dotted, assign[2]!, roleOf, { ...pos, column: col }, assign[1]!));
      return;
    }
    const roleName = nameHint && roleOf(nameHint) ? nameHint : last;
    items.push(...itemsFor('config-file', dotted, node.value, roleOf, pos, roleName));
    if (maskable(nameHint ?? last, node.value) || (assign && maskable(assign[1]!, assign[2]!))) secrets.push(assign ? assign[2]! : node.value);
  }
}

type Format = 'dotenv' | 'structured' | 'text';

export function formatOf(file: string): Format {
  const base = path.posix.basename(file).toLowerCase();
  if (base.startsWith('.env') || base.endsWith('.env')) return 'dotenv';
  if (/\.(json|ya?ml)$/.test(base)) return 'structured';
  return 'text';
}

/** Items from one production config file, by format. */
export function parseConfigFile(text: string, file: string, roleOf: RoleOf): Parsed {
  const format = formatOf(file);
  if (format === 'dotenv') return fromDotenv(text, file, 'config-file', roleOf);
  if (format === 'structured') return fromStructured(text, file, roleOf);
  return fromText(text, file, roleOf);
}
