// What the JS/TS fixes need from a file beyond the code index: its AST (oxc-parser, as the index
// uses), the node at a span, a node's ancestors, free names, the module kind, the indentation of a
// line, and how to reach node:crypto's timingSafeEqual (an existing import, or one to add).
import { loadOxc, oxcParser } from '../evidence/code/oxc.js';
import { pathOf, unwrap, walk, type Node } from '../evidence/code/js-ast.js';
import type { Edit } from './types.js';

export type { Node };

export interface Parsed {
  file: string;
  text: string;
  program: Node;
}

function langOf(file: string): 'js' | 'jsx' | 'ts' | 'tsx' {
  if (/\.tsx$/.test(file)) return 'tsx';
  if (/\.[mc]?ts$/.test(file)) return 'ts';
  return 'jsx';
}

export const isTypeScript = (file: string): boolean => /\.[mc]?tsx?$/.test(file);

/** Parses a JS/TS file; undefined when it does not parse (a fix is then refused). */
export async function parseJs(file: string, text: string): Promise<Parsed | undefined> {
  await loadOxc();
  try {
    const res = oxcParser().parseSync(file, text, { lang: langOf(file), sourceType: /\.c[jt]s$/.test(file) ? 'commonjs' : 'unambiguous', preserveParens: true });
    if (res.errors.some((e) => e.severity === 'Error')) return undefined;
    return { file, text, program: res.program as unknown as Node };
  } catch {
    return undefined;
  }
}

/** The chain of nodes from the program down to the innermost node spanning [start, end) exactly (with `type`, if given). */
export function pathTo(p: Parsed, start: number, end: number, type?: string | RegExp): Node[] | undefined {
  let found: Node[] | undefined;
  const stack: Node[] = [];
  const visit = (n: Node, parent: Node | undefined): void => {
    while (stack.length > 0 && stack.at(-1) !== parent) stack.pop();
    stack.push(n);
    const ok = type === undefined || (typeof type === 'string' ? n.type === type : type.test(n.type));
    if (n.start === start && n.end === end && ok) found = [...stack];
  };
  walk(p.program, (n, parent) => visit(n, parent));
  return found;
}

/** Every identifier name in the file: a name golive adds must be none of them. */
export function namesIn(p: Parsed): Set<string> {
  const out = new Set<string>();
  walk(p.program, (n) => {
    if ((n.type === 'Identifier' || n.type === 'BindingIdentifier' || n.type === 'IdentifierReference') && typeof n.name === 'string') out.add(n.name);
  });
  return out;
}

/** A free name: `base`, else `base2`, `base3`, … */
export function freeName(names: ReadonlySet<string>, base: string): string {
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
}

const body = (p: Parsed): Node[] => (p.program.body ?? []) as Node[];
const isRequire = (n: Node | undefined): boolean => unwrap(n)?.type === 'CallExpression' && pathOf(unwrap(n)!.callee) === 'require';

/** An ES module (imports or exports, or a module file name), as opposed to CommonJS. */
export function isModule(p: Parsed): boolean {
  if (/\.(mjs|mts)$/.test(p.file)) return true;
  if (/\.(cjs|cts)$/.test(p.file)) return false;
  if (body(p).some((s) => /^(ImportDeclaration|Export\w+Declaration)$/.test(s.type))) return true;
  let cjs = false;
  walk(p.program, (n) => {
    if (n.type === 'CallExpression' && pathOf(n.callee) === 'require') cjs = true;
    if (n.type === 'MemberExpression' && /^(module\.exports|exports\.\w+)$/.test(pathOf(n) ?? '')) cjs = true;
  });
  // A TypeScript file without either is compiled as a module.
  return !cjs && isTypeScript(p.file);
}

/**
 * Where top-level code golive adds goes: after the last top-level import or require (so the
 * binding it uses is declared above it), else before the first statement. `gap` is what to add
 * after the inserted block so a blank line still separates it from the code below.
 */
export function topInsertAt(p: Parsed): { at: number; after: boolean; gap: string } {
  let last: Node | undefined;
  for (const s of body(p)) {
    const requires = s.type === 'VariableDeclaration' && (s.declarations as Node[]).every((d) => isRequire(d.init));
    if (s.type === 'ImportDeclaration' || requires) last = s;
    else if (!last && s.type === 'ExpressionStatement' && typeof s.directive === 'string') last = s; // 'use strict', 'use server'
  }
  const eol = eolOf(p.text);
  if (last) {
    // At the end of that line, so a trailing comment or space stays where it is.
    const nl = p.text.indexOf('\n', last.end);
    const at = nl === -1 ? p.text.length : p.text[nl - 1] === '\r' ? nl - 1 : nl;
    return { at, after: true, gap: /^\r?\n\r?\n/.test(p.text.slice(at)) || at === p.text.length ? '' : eol };
  }
  const first = body(p)[0];
  return { at: first ? first.start : p.text.length, after: false, gap: '' };
}

/** The indentation of the line holding `index`. */
export function indentAt(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The line's end-of-line sequence (a CRLF file keeps CRLF). */
export function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** One indentation step as the file writes it. */
export function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!.length >= 4 && m[1]!.length % 4 === 0 && !/\n {2}\S/.test(text) ? '    ' : '  ';
}

const CRYPTO = /^(node:)?crypto$/;

/**
 * How code at the top of the file can call node:crypto's timingSafeEqual: an existing import or
 * require (named, default or namespace), with the named import extended when needed, or a new
 * import. Undefined when the file runs on the Edge runtime (no node:crypto there).
 */
export function timingSafeEqualRef(p: Parsed, names: ReadonlySet<string>): { ref: string; edits: Edit[] } | undefined {
  if (/export\s+const\s+runtime\s*=\s*['"]edge['"]/.test(p.text)) return undefined;
  for (const s of body(p)) {
    if (s.type === 'ImportDeclaration' && CRYPTO.test(String(s.source?.value)) && s.importKind !== 'type') {
      const specs = (s.specifiers ?? []) as Node[];
      const named = specs.find((x) => x.type === 'ImportSpecifier' && (x.imported?.name ?? x.imported?.value) === 'timingSafeEqual');
      if (named) return { ref: named.local.name as string, edits: [] };
      const whole = specs.find((x) => x.type === 'ImportDefaultSpecifier' || x.type === 'ImportNamespaceSpecifier');
      if (whole) return { ref: `${whole.local.name as string}.timingSafeEqual`, edits: [] };
      const lastNamed = [...specs].reverse().find((x) => x.type === 'ImportSpecifier');
      if (lastNamed && !names.has('timingSafeEqual')) return { ref: 'timingSafeEqual', edits: [{ start: lastNamed.end, end: lastNamed.end, text: ', timingSafeEqual', key: 'import:timingSafeEqual' }] };
    }
    if (s.type !== 'VariableDeclaration') continue;
    for (const d of s.declarations as Node[]) {
      const init = unwrap(d.init);
      if (!(isRequire(init) && CRYPTO.test(String(init?.arguments?.[0]?.value)))) continue;
      if (d.id?.type === 'Identifier') return { ref: `${d.id.name as string}.timingSafeEqual`, edits: [] };
      if (d.id?.type === 'ObjectPattern') {
        const props = d.id.properties as Node[];
        const has = props.find((x) => x.type === 'Property' && (x.key?.name ?? x.key?.value) === 'timingSafeEqual' && x.value?.type === 'Identifier');
        if (has) return { ref: has.value.name as string, edits: [] };
        const last = props.at(-1);
        if (last && last.type === 'Property' && !names.has('timingSafeEqual')) return { ref: 'timingSafeEqual', edits: [{ start: last.end, end: last.end, text: ', timingSafeEqual', key: 'import:timingSafeEqual' }] };
      }
    }
  }
  const name = names.has('timingSafeEqual') ? freeName(names, 'nodeTimingSafeEqual') : 'timingSafeEqual';
  const spec = name === 'timingSafeEqual' ? 'timingSafeEqual' : `timingSafeEqual as ${name}`;
  const eol = eolOf(p.text);
  const line = isModule(p) ? `import { ${spec} } from 'node:crypto';` : `const { timingSafeEqual${name === 'timingSafeEqual' ? '' : `: ${name}`} } = require('node:crypto');`;
  const top = topInsertAt(p);
  return { ref: name, edits: [{ start: top.at, end: top.at, text: top.after ? `${eol}${line}` : `${line}${eol}${eol}`, key: 'import:timingSafeEqual' }] };
}

/** The statement (a direct child of a block, program or switch case) holding the last node of a path. */
export function statementOf(path: readonly Node[]): { stmt: Node; parent: Node } | undefined {
  for (let i = path.length - 1; i > 0; i--) {
    const parent = path[i - 1]!;
    if (parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'SwitchCase' || parent.type === 'StaticBlock') return { stmt: path[i]!, parent };
  }
  return undefined;
}
