// How Node would load each file of a plugin: as an ES module or as CommonJS, by its extension and
// the nearest package.json's "type" (with syntax detection when "type" is absent, as Node 20.19+
// and 22+ do). golive compiles a plugin itself, and esbuild accepts both syntaxes in any file, so
// without this a plugin could pass here and then fail under `node --test` (issue 26 item 10). A
// file whose syntax Node would refuse is reported in one line with the fix.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadOxc } from '../evidence/code/oxc.js';
import { MAX_NESTING, nestingDepth } from '../evidence/code/nesting.js';

export type NodeModuleType = 'module' | 'commonjs' | 'detect';

export interface PackageInfo {
  dir: string;
  file: string;
  name?: string;
  type?: unknown;
  dependencies: Set<string>;
}

const packages = new Map<string, PackageInfo | null>();

/** The nearest package.json at or above dir (cached); null when there is none up to the root. */
export function nearestPackage(dir: string): PackageInfo | null {
  const cached = packages.get(dir);
  if (cached !== undefined) return cached;
  const file = path.join(dir, 'package.json');
  let info: PackageInfo | null;
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let pkg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      pkg = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      // Node refuses to load anything governed by an unparsable package.json; so do we.
      throw new Error(`${file} is not valid JSON (Node would refuse to load the plugin)`);
    }
    const deps = new Set<string>();
    for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const v = pkg[k];
      if (v && typeof v === 'object') for (const name of Object.keys(v)) deps.add(name);
    }
    info = { dir, file, ...(typeof pkg.name === 'string' ? { name: pkg.name } : {}), type: pkg.type, dependencies: deps };
  } else {
    const parent = path.dirname(dir);
    info = parent === dir ? null : nearestPackage(parent);
  }
  packages.set(dir, info);
  return info;
}

/** What Node decides for a file before reading it: .mjs/.cjs by name, .js/.ts by package.json "type". */
export function nodeModuleType(file: string): { type: NodeModuleType; why: string } {
  const ext = path.extname(file);
  if (ext === '.mjs' || ext === '.mts') return { type: 'module', why: `its extension is ${ext}` };
  if (ext === '.cjs' || ext === '.cts') return { type: 'commonjs', why: `its extension is ${ext}` };
  const pkg = nearestPackage(path.dirname(file));
  const where = pkg ? path.relative(process.cwd(), pkg.file) || 'package.json' : '';
  if (pkg?.type === 'module') return { type: 'module', why: `${where} has "type": "module"` };
  if (pkg?.type === 'commonjs') return { type: 'commonjs', why: `${where} has "type": "commonjs"` };
  return { type: 'detect', why: pkg ? `${where} has no "type"` : 'no package.json governs it' };
}

const COMMONJS_NAMES = new Set(['require', 'module', 'exports']);

interface Node {
  type: string;
  [k: string]: unknown;
}

/** Names declared at the top level (a `const require = createRequire(…)` makes require an ES module's own). */
function topLevelNames(body: Node[]): Set<string> {
  const names = new Set<string>();
  const add = (id: unknown) => {
    const n = id as Node | null;
    if (n?.type === 'Identifier' && typeof n.name === 'string') names.add(n.name);
  };
  for (const st of body) {
    if (st.type === 'VariableDeclaration') for (const d of st.declarations as Node[]) add(d.id);
    else if (st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') add(st.id);
    else if (st.type === 'ImportDeclaration') for (const s of (st.specifiers as Node[]) ?? []) add(s.local);
  }
  return names;
}

/** Whether the file uses CommonJS's own variables (require(), module.exports, exports.x) without declaring them. */
function usesCommonJs(program: Node): boolean {
  const own = topLevelNames(program.body as Node[]);
  let found = false;
  const visit = (n: unknown, depth: number): void => {
    if (found || depth > 400 || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, depth + 1);
      return;
    }
    const node = n as Node;
    if (node.type === 'CallExpression') {
      const callee = node.callee as Node;
      if (callee.type === 'Identifier' && callee.name === 'require' && !own.has('require')) found = true;
    } else if (node.type === 'MemberExpression') {
      const obj = node.object as Node;
      if (obj.type === 'Identifier' && COMMONJS_NAMES.has(obj.name as string) && obj.name !== 'require' && !own.has(obj.name as string)) found = true;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'type' && v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(program.body, 0);
  return found;
}

/**
 * Why Node would refuse to load this file as its type says, or undefined when it would load it.
 * `text` is the file's source; TypeScript is parsed as such (Node strips the types first).
 */
export async function moduleTypeProblem(file: string, text: string): Promise<string | undefined> {
  const ext = path.extname(file);
  if (ext === '.json') return undefined;
  const { type, why } = nodeModuleType(file);
  if (type === 'detect') return undefined;
  // Most files cannot break the rule at all: parse only those that name the other system's words.
  if (type === 'module' ? !/\b(?:require|module|exports)\b/.test(text) : !/\b(?:import|export)\b/.test(text)) return undefined;
  // The native parser crashes the process on extreme nesting; esbuild (its own process) judges such a file.
  if (nestingDepth(text) > MAX_NESTING) return undefined;
  const ts = /^\.[cm]?tsx?$/.test(ext);
  const parsed = (await loadOxc()).parseSync(file, text, { lang: ts ? (ext.endsWith('x') ? 'tsx' : 'ts') : ext.endsWith('x') ? 'jsx' : 'js', sourceType: 'unambiguous' });
  if (parsed.errors.some((e) => e.severity === 'Error')) return undefined; // esbuild reports syntax errors with their place
  const rel = path.relative(process.cwd(), file) || file;
  if (type === 'commonjs' && parsed.module.hasModuleSyntax) {
    return `${rel} uses import/export, but Node loads it as CommonJS (${why}): rename it to ${ts ? '.mts' : '.mjs'}, or set "type": "module" in its package.json`;
  }
  if (type === 'module' && usesCommonJs(parsed.program as unknown as Node)) {
    return `${rel} uses require()/module.exports, but Node loads it as an ES module (${why}), where they do not exist: rename it to ${ts ? '.cts' : '.cjs'}, or use import/export`;
  }
  return undefined;
}
