// Suggestion for webhook.code-raw-body in JS/TS: compute the HMAC over the bytes MintCash signed,
// with the change each framework needs: the raw text JSON.parse already reads (plain Node),
// `request.text()` (Next.js route handlers), a `verify` hook on express.json, a buffer content
// parser (Fastify), `rawBody: true` and `req.rawBody` (NestJS), `bodyParser: false` and the raw
// stream (Next.js pages router). Never applied without a person picking it.
import path from 'node:path';
import { pathOf, unwrap, type Node } from '../evidence/code/js-ast.js';
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex, HmacInput, WebhookHandler } from '../evidence/code/types.js';
import { indexOfByte } from './edits.js';
import { eolOf, freeName, indentAt, isTypeScript, namesIn, parseJs, pathTo, statementOf, topInsertAt, type Parsed } from './js.js';
import { callAt, functionAround, lastValueOf, offsetOf, paramsOf } from './js-scope.js';
import { targetOf } from './plan.js';
import type { Session } from './session.js';
import type { Edit, FileEdits, Fix } from './types.js';

interface Planned {
  title: string;
  files: FileEdits[];
  notes?: string[];
}

const SIMPLE = (n: Node | undefined): boolean => {
  const u = unwrap(n);
  return !!u && (u.type === 'Identifier' || (u.type === 'MemberExpression' && !u.computed && SIMPLE(u.object)));
};

/**
 * The raw bytes a parser kept (`req.rawBody`, cast in TypeScript), or no bytes: a request the
 * parser skipped (no body, another content type) has no rawBody, and HMAC.update(undefined)
 * throws, which in an async Express 4 handler is an unhandled rejection that stops the process.
 * Over no bytes the HMAC does not match and the handler's own rejection answers. Parenthesised
 * unless it is a call's argument, as `??` cannot sit beside `||`, `&&` or `+` unparenthesised.
 */
function rawOf(p: Parsed, node: Node, req: string, ts: boolean): string {
  return orNoBytes(p, node, `${ts ? `(${req} as unknown as { rawBody?: Buffer })` : req}.rawBody`);
}

/** `raw ?? Buffer.alloc(0)` in place of `node`, parenthesised unless it is a call's argument. */
function orNoBytes(p: Parsed, node: Node, rawBody: string): string {
  const raw = `${rawBody} ?? Buffer.alloc(0)`;
  const parent = pathTo(p, node.start, node.end)?.at(-2);
  const argument = (parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && (parent.arguments as Node[]).includes(node);
  return argument ? raw : `(${raw})`;
}

function fix(check: CheckResult, f: Finding, kind: string, planned: Planned): Fix {
  return { id: `${check.id}:${kind}:${f.file}:${f.line ?? 0}`, kind, tier: 'suggestion', title: planned.title, target: targetOf(check, f), files: planned.files, ...(planned.notes ? { notes: planned.notes } : {}) };
}

export async function planRawBody(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const code = s.evidence.code as CodeIndex;
  if (f.messageId === 'hmac-over-reserialized-json') {
    const h = code.handlers.find((x) => x.hmacInputs.some((i) => i.file === f.file && i.line === f.line && i.column === f.column));
    const input = h?.hmacInputs.find((i) => i.file === f.file && i.line === f.line && i.column === f.column);
    if (!h || !input) return [];
    const planned = await overSerialisation(s, h, input);
    return planned ? [fix(check, f, planned.kind, planned)] : [];
  }
  if (f.messageId === 'json-parser-before-webhook') {
    const h = code.handlers.find((x) => x.jsonParsers.some((p) => p.file === f.file && p.line === f.line && p.column === f.column));
    // A re-serialised input's own suggestion changes the parser too: one suggestion, not two.
    if (!h || h.hmacInputs.some((i) => i.kind === 'reserialized')) return [];
    const input = h.hmacInputs.find((i) => /^(req|request)\.body$/.test(i.text));
    if (!input) return [];
    const planned = await overSerialisation(s, h, input);
    return planned ? [fix(check, f, planned.kind, planned)] : [];
  }
  return [];
}

async function overSerialisation(s: Session, h: WebhookHandler, input: HmacInput): Promise<(Planned & { kind: string }) | undefined> {
  const text = await s.read(input.file);
  const p = text === undefined ? undefined : await parseJs(input.file, text);
  if (!p || input.start === undefined || input.end === undefined) return undefined;
  const [start, end] = [indexOfByte(p.text, input.start), indexOfByte(p.text, input.end)];
  const node = pathTo(p, start, end)?.at(-1);
  if (!node) return undefined;
  const stringify = node.type === 'CallExpression' && pathOf(node.callee) === 'JSON.stringify' ? node : undefined;
  const x = unwrap(stringify ? (stringify.arguments[0] as Node) : node);
  const fn = functionAround(p, node.start);
  if (!x || !fn) return undefined;
  const origin = x.type === 'Identifier' ? lastValueOf(p, x.name as string, node.start, fn) : { value: x };
  const value = origin?.value;
  const val = unwrap(value);

  // Plain Node: the handler already has the raw text it parsed; sign that.
  if (stringify && val?.type === 'CallExpression' && pathOf(val.callee) === 'JSON.parse' && SIMPLE(val.arguments[0])) {
    const raw = p.text.slice(val.arguments[0].start, val.arguments[0].end);
    return { kind: 'raw-body', title: `compute the HMAC over \`${raw}\`, the raw body JSON.parse reads, not over JSON.stringify of the parsed event`, files: [{ file: p.file, original: p.text, edits: [{ start: node.start, end: node.end, text: raw }] }] };
  }
  // Next.js route handler: `const body = await request.json()` → the text first, parsed after.
  if (stringify && value?.type === 'AwaitExpression' && val?.type === 'CallExpression' && /\.json$/.test(pathOf(val.callee) ?? '') && val.arguments.length === 0 && origin?.decl) {
    const req = pathOf(unwrap(val.callee)!.object) ?? 'request';
    const name = freeName(namesIn(p), 'rawBody');
    const indent = indentAt(p.text, origin.decl.start);
    const eol = eolOf(p.text);
    return {
      kind: 'raw-body',
      title: `read the body once as text (\`await ${req}.text()\`), compute the HMAC over it, then JSON.parse it`,
      files: [{ file: p.file, original: p.text, edits: [
        { start: origin.decl.start, end: origin.decl.start, text: `const ${name} = await ${req}.text();${eol}${indent}` },
        { start: value.start, end: value.end, text: `JSON.parse(${name})` },
        { start: node.start, end: node.end, text: name },
      ] }],
    };
  }
  // The framework's parsed body (`req.body`, a NestJS `@Body()` parameter).
  const bodyParam = x.type === 'Identifier' ? paramsOf(fn).find((q) => q.name === x.name && q.decorators.some((d) => /(^|\.)Body$/.test(d))) : undefined;
  if (bodyParam) return nest(s, p, fn, node);
  const member = val?.type === 'MemberExpression' && /^(req|request|ctx\.request)\.body$/.test(pathOf(val) ?? '') ? val : undefined;
  if (!member) return undefined;
  const req = pathOf(member.object)!;
  if (/(^|\/)pages\/api\//.test(p.file)) return nextPages(p, fn, node);
  const fastify = paramsOf(fn)[1]?.name === 'reply' || /\breply\.(code|status|send)\(/.test(p.text.slice(fn.start, fn.end));
  if (fastify) return fastifyParser(p, fn, node, req);
  return expressVerify(s, h, p, node, req);
}

/** Express: keep the raw bytes with express.json's `verify` hook, and sign `req.rawBody`. */
async function expressVerify(s: Session, h: WebhookHandler, p: Parsed, node: Node, req: string): Promise<(Planned & { kind: string }) | undefined> {
  const parsers = h.jsonParsers.filter((x) => !x.nextPages);
  if (parsers.length === 0) return undefined;
  const files = new Map<string, FileEdits>();
  for (const parser of parsers) {
    const text = parser.file === p.file ? p.text : await s.read(parser.file);
    const pp = text === undefined ? undefined : parser.file === p.file ? p : await parseJs(parser.file, text);
    if (!pp) return undefined;
    const call = callAt(pp, offsetOf(pp.text, parser.line, parser.column));
    if (!call) return undefined;
    const ts = isTypeScript(pp.file);
    const hook = `verify: (req${ts ? ': unknown' : ''}, _res${ts ? ': unknown' : ''}, buf${ts ? ': Buffer' : ''}) => { ${ts ? '(req as { rawBody?: Buffer })' : 'req'}.rawBody = buf; }`;
    const arg = unwrap(call.arguments[0] as Node | undefined);
    let edit: Edit;
    if (!arg) edit = { start: call.end - 1, end: call.end - 1, text: `{ ${hook} }` };
    else if (arg.type === 'ObjectExpression') edit = (arg.properties as Node[]).length === 0 ? { start: arg.start, end: arg.end, text: `{ ${hook} }` } : { start: (arg.properties as Node[]).at(-1)!.end, end: (arg.properties as Node[]).at(-1)!.end, text: `, ${hook}` };
    else return undefined;
    const fe = files.get(pp.file) ?? { file: pp.file, original: pp.text, edits: [] };
    fe.edits.push(edit);
    files.set(pp.file, fe);
  }
  const fe = files.get(p.file) ?? { file: p.file, original: p.text, edits: [] };
  fe.edits.push({ start: node.start, end: node.end, text: rawOf(p, node, req, isTypeScript(p.file)) });
  files.set(p.file, fe);
  return { kind: 'raw-body', title: `keep the raw bytes with express.json's \`verify\` hook and compute the HMAC over \`${req}.rawBody\``, files: [...files.values()] };
}

/** Fastify: a buffer content parser that keeps the raw bytes beside the parsed body. */
function fastifyParser(p: Parsed, fn: Node, node: Node, req: string): (Planned & { kind: string }) | undefined {
  if (/addContentTypeParser\(\s*['"]application\/json['"]/.test(p.text)) return undefined;
  // The route registration holding the handler: `fastify.post('/webhooks', async (request, reply) => …)`.
  const route = pathTo(p, fn.start, fn.end)?.slice(0, -1).reverse().find((n) => n.type === 'CallExpression' && /\.(post|route|all)$/.test(pathOf(n.callee) ?? ''));
  if (!route) return undefined;
  const instance = pathOf(unwrap(route.callee)!.object);
  const stmt = statementOf(pathTo(p, route.start, route.end)!);
  if (!instance || !stmt) return undefined;
  const ts = isTypeScript(p.file);
  const eol = eolOf(p.text);
  const indent = indentAt(p.text, stmt.stmt.start);
  const lines = [
    `// The raw bytes MintCash signed, kept beside the parsed body (request.rawBody).`,
    `${instance}.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body${ts ? ': Buffer' : ''}, done) => {`,
    `  ${ts ? '(req as unknown as { rawBody: Buffer })' : 'req'}.rawBody = body;`,
    `  try {`,
    `    done(null, JSON.parse(body.toString('utf8')));`,
    `  } catch (err) {`,
    `    ${ts ? '(err as { statusCode?: number })' : 'err'}.statusCode = 400;`,
    `    done(err${ts ? ' as Error' : ''}, undefined);`,
    `  }`,
    `});`,
  ];
  return {
    kind: 'raw-body',
    title: `parse JSON with a buffer content parser that keeps \`${req}.rawBody\`, and compute the HMAC over it`,
    files: [{ file: p.file, original: p.text, edits: [
      { start: stmt.stmt.start, end: stmt.stmt.start, text: `${lines.join(`${eol}${indent}`)}${eol}${eol}${indent}` },
      { start: node.start, end: node.end, text: rawOf(p, node, req, ts) },
    ] }],
    notes: [`Fastify's content parsers are scoped: this one applies to the routes registered by ${instance} here.`],
  };
}

/** NestJS: `rawBody: true` where the app is created, and `req.rawBody` (or no bytes) through `@Req()`. */
async function nest(s: Session, p: Parsed, fn: Node, node: Node): Promise<(Planned & { kind: string }) | undefined> {
  const candidates = (s.evidence.repo?.files ?? []).filter((f) => /\.[cm]?[jt]s$/.test(f.path) && f.size < 200_000 && !/(^|\/)(node_modules|dist|test|tests)\//.test(f.path)).slice(0, 3000);
  let main: { file: string; text: string; call: Node } | undefined;
  for (const f of candidates) {
    const text = await s.read(f.path);
    if (!text?.includes('NestFactory.create')) continue;
    const mp = await parseJs(f.path, text);
    if (!mp) continue;
    let call: Node | undefined;
    const { walk } = await import('../evidence/code/js-ast.js');
    walk(mp.program, (n) => {
      if (!call && n.type === 'CallExpression' && /(^|\.)NestFactory\.create$/.test(pathOf(n.callee) ?? '')) call = n;
    });
    if (call) {
      main = { file: f.path, text, call };
      break;
    }
  }
  if (!main) return undefined;
  const files: FileEdits[] = [];
  const args = main.call.arguments as Node[];
  const opts = unwrap(args[1]);
  if (!/\brawBody\s*:\s*true\b/.test(main.text.slice(main.call.start, main.call.end))) {
    const edit: Edit | undefined = !opts
      ? { start: args[0]!.end, end: args[0]!.end, text: ', { rawBody: true }' }
      : opts.type === 'ObjectExpression' && (opts.properties as Node[]).length > 0 ? { start: (opts.properties as Node[]).at(-1)!.end, end: (opts.properties as Node[]).at(-1)!.end, text: ', rawBody: true' } : undefined;
    if (!edit || args.length === 0) return undefined;
    files.push({ file: main.file, original: main.text, edits: [edit] });
  }
  const params = paramsOf(fn);
  const names = namesIn(p);
  const edits: Edit[] = [];
  let req = params.find((q) => q.decorators.some((d) => /(^|\.)Req(uest)?$/.test(d)))?.name;
  if (!req) {
    req = freeName(names, 'req');
    const last = (fn.params as Node[]).at(-1);
    if (!last) return undefined;
    edits.push({ start: last.end, end: last.end, text: `, @Req() ${req}: RawBodyRequest<Request>` });
    const common = (p.program.body as Node[]).find((st) => st.type === 'ImportDeclaration' && st.source?.value === '@nestjs/common');
    const specs = (common?.specifiers ?? []) as Node[];
    const has = (n: string) => specs.some((x) => (x.imported?.name ?? x.imported?.value) === n);
    const add = ['Req', 'RawBodyRequest'].filter((n) => !has(n));
    if (!common || specs.length === 0) return undefined;
    if (add.length > 0) edits.push({ start: specs.at(-1)!.end, end: specs.at(-1)!.end, text: `, ${add.join(', ')}`, key: 'import:nest-raw' });
    if (!names.has('Request')) {
      const top = topInsertAt(p);
      const eol = eolOf(p.text);
      edits.push({ start: top.at, end: top.at, text: top.after ? `${eol}import type { Request } from 'express';` : `import type { Request } from 'express';${eol}`, key: 'import:express-request' });
    }
  }
  // RawBodyRequest's rawBody is undefined when Nest's parser skipped the request (no body).
  edits.push({ start: node.start, end: node.end, text: orNoBytes(p, node, `${req}.rawBody`) });
  files.push({ file: p.file, original: p.text, edits });
  return { kind: 'raw-body', title: `create the app with \`rawBody: true\` (${path.posix.basename(main.file)}) and compute the HMAC over \`${req}.rawBody\``, files };
}

/** Next.js pages router: turn the body parser off for this route and read the raw stream. */
function nextPages(p: Parsed, fn: Node, node: Node): (Planned & { kind: string }) | undefined {
  if (!fn.async || fn.body?.type !== 'BlockStatement' || /export\s+const\s+config\b/.test(p.text)) return undefined;
  const req = paramsOf(fn)[0]?.name;
  if (!req) return undefined;
  const names = namesIn(p);
  const raw = freeName(names, 'rawBody');
  const reader = freeName(names, 'readRawBody');
  const ts = isTypeScript(p.file);
  const eol = eolOf(p.text);
  const first = (fn.body.body as Node[])[0];
  const indent = first ? indentAt(p.text, first.start) : '  ';
  const at = first ? first.start : fn.body.end - 1;
  const top = topInsertAt(p);
  const helper = [
    `/** The request body exactly as sent (the HMAC is over these bytes). */`,
    `async function ${reader}(req${ts ? ': AsyncIterable<Buffer | string>' : ''})${ts ? ': Promise<string>' : ''} {`,
    `  const chunks${ts ? ': Buffer[]' : ''} = [];`,
    `  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);`,
    `  return Buffer.concat(chunks).toString('utf8');`,
    `}`,
  ].join(eol);
  return {
    kind: 'raw-body',
    title: `turn Next.js's body parser off for this route (\`config.api.bodyParser: false\`), read the raw body and compute the HMAC over it`,
    files: [{ file: p.file, original: p.text, edits: [
      { start: top.at, end: top.at, text: top.after ? `${eol}${eol}${helper}${top.gap}` : `${helper}${eol}${eol}` },
      { start: at, end: at, text: `const ${raw} = await ${reader}(${req});${eol}${indent}${req}.body = ${raw} ? JSON.parse(${raw}) : {};${eol}${indent}` },
      { start: node.start, end: node.end, text: raw },
      { start: p.text.length, end: p.text.length, text: `${p.text.endsWith('\n') ? '' : eol}${eol}export const config = { api: { bodyParser: false } };${eol}` },
    ] }],
  };
}
