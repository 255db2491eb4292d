// The worker thread that hosts the plugins' sandboxes: QuickJS compiled to WebAssembly, a separate
// JavaScript engine (one instance, with its own memory, per plugin) whose only contact with golive
// is the text this file hands in and reads out.
// The plugin's code has no process, no require or import of anything, no file system, network,
// timers or signals: none of those exist in QuickJS unless a host adds them, and this host adds a
// console that prints nothing. Every call gets a fresh QuickJS runtime (so a check cannot see what
// another check saw), a memory limit, a stack limit and a deadline; what comes out is measured
// inside the VM before it is copied into this thread.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as variantModule from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  shouldInterruptAfterDeadline,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import type { ToWorker, FromWorker, VmError, WorkerLimits } from './sandbox-protocol.js';

const { wasmFile, limits } = workerData as { wasmFile: string; limits: WorkerLimits };

// @types/node types WebAssembly's classes but not its functions.
const wa = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;
/** QuickJS's WebAssembly, compiled here once (golive set V8's flags before starting this thread). */
const wasm = wa.compile(readFileSync(wasmFile));

// The package's types describe its CommonJS build; as an ES module its variant is the default export.
const variant = ((variantModule as { default?: unknown }).default ?? variantModule) as QuickJSSyncVariant;

// @types/node types WebAssembly's instances but not its constructors.
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => never } }).WebAssembly.Memory;

interface Plugin {
  /** The plugin's compiled module, sent once (`init`) when golive has compiled it. */
  code: string;
  engine?: Promise<QuickJSWASMModule>;
}

const plugins = new Map<number, Plugin>();

/**
 * A new WebAssembly instance of QuickJS. Its linear memory has a hard maximum, the real memory
 * limit: QuickJS's own (setMemoryLimit) cannot measure allocations in this build, and a plugin
 * returned 1 GB through it.
 */
const newEngine = (): Promise<QuickJSWASMModule> =>
  wasm.then((wasmModule) =>
    newQuickJSWASMModuleFromVariant(
      newVariant(variant, {
        wasmModule,
        wasmMemory: new WasmMemory({ initial: 256, maximum: Math.ceil(limits.memoryBytes / 65536) }),
      }),
    ),
  );

/**
 * One instance made as soon as this thread starts, while golive is still gathering evidence (this
 * thread exists only when some plugin is configured), and run once on a line of golive's own so
 * that the engine's code is compiled then rather than in the first check. The first plugin to run
 * takes it; it has held nothing but that line.
 */
let spare: Promise<QuickJSWASMModule> | undefined = newEngine().then((engine) => {
  const rt = engine.newRuntime();
  const vm = rt.newContext();
  vm.evalCode('JSON.stringify({ warm: [1, "a"].map(String) })', 'golive-warm-up.js').dispose();
  vm.dispose();
  rt.dispose();
  return engine;
});
spare.catch(() => undefined);

/** A plugin's own instance, made again after anything left it in an unknown state. */
const quickjs = (p: Plugin) => {
  if (!p.engine) {
    p.engine = spare ?? newEngine();
    spare = undefined;
  }
  return p.engine;
};

class Refused extends Error {
  constructor(readonly vmError: VmError) {
    super(vmError.message);
  }
}

// Defined before any plugin code runs; the host keeps its own handle to `__goliveErr`, so a plugin
// can change what it uses but not which function the host calls, and its answer is measured anyway.
const PRELUDE = `
const noop = () => undefined;
globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop };
globalThis.__goliveErr = (e) => {
  try {
    const o = e !== null && typeof e === 'object' ? e : { message: String(e) };
    return JSON.stringify({ name: String(o.name ?? 'Error').slice(0, 100), message: String(o.message ?? '').slice(0, ${limits.errorChars}), stack: String(o.stack ?? '').slice(0, ${limits.errorChars}) });
  } catch (_) {
    return '{"name":"Error","message":"(an error that cannot be described)"}';
  }
};`;

interface Vm {
  rt: QuickJSRuntime;
  vm: QuickJSContext;
  describeError: QuickJSHandle;
}

function newVm(p: Plugin): Promise<Vm> {
  return quickjs(p).then(vmIn);
}

function vmIn(engine: QuickJSWASMModule): Vm {
  const rt = engine.newRuntime();
  rt.setMemoryLimit(limits.memoryBytes);
  rt.setMaxStackSize(limits.stackBytes);
  const vm = rt.newContext();
  vm.unwrapResult(vm.evalCode(PRELUDE, 'golive-prelude.js')).dispose();
  const describeError = vm.getProp(vm.global, '__goliveErr');
  return { rt, vm, describeError };
}

/** Frees a runtime; false when it cannot be freed cleanly (then its WebAssembly instance is abandoned). */
function freed(v: Vm): boolean {
  try {
    v.describeError.dispose();
    v.vm.dispose();
    v.rt.dispose();
    return true;
  } catch {
    return false;
  }
}

function dispose(p: Plugin, v: Vm): void {
  if (!freed(v)) p.engine = undefined;
}

/**
 * golive's options validator (ajv) evaluated in a QuickJS instance of its own, in a runtime that
 * has run nothing else: used for one options check, then dropped with its instance, so a plugin's
 * schema (untrusted, and ajv compiles it into code) meets no other plugin's code or schema.
 * Evaluating ajv is most of an options check (its 125 KB parsed by QuickJS, 35-55 ms of CPU), so
 * on a run that compiles plugins golive asks for one ahead (`prepare-validator`), made while this
 * thread waits for the compiled code; its parse also compiles QuickJS's parser paths that the
 * plugins' own code needs next.
 */
interface Validator {
  file: string;
  v: Vm;
}

let nextValidator: Promise<Validator> | undefined;

async function newValidator(file: string): Promise<Validator> {
  const v = vmIn(await newEngine());
  v.rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.loadMs));
  const r = v.vm.evalCode(readFileSync(file, 'utf8'), 'golive-validate.js');
  if (r.error) {
    const error = vmError(v, r.error);
    freed(v);
    throw new Refused(error);
  }
  r.value.dispose();
  return { file, v };
}

/** The validator made ahead if it is golive's (it always is), else a new one. */
async function takeValidator(file: string): Promise<Validator> {
  const ahead = nextValidator;
  nextValidator = undefined;
  const made = await ahead?.catch(() => undefined);
  if (made?.file === file) return made;
  if (made) freed(made.v);
  return newValidator(file);
}

/** The options check: the plugin's schema compiled by golive's validator, the options checked. */
async function validate(m: Extract<ToWorker, { type: 'validate' }>): Promise<string> {
  const { v } = await takeValidator(m.validator);
  try {
    return call(v, v.vm.global, '__goliveValidate', [v.vm.newString(m.schema), v.vm.newString(m.options)], limits.loadMs, limits.optionsChars * 4, 'the options check');
  } finally {
    freed(v);
  }
}

/** A string from the VM, measured there first: never more than `max` characters are copied out. */
function text(v: Vm, h: QuickJSHandle, max: number, what: string): string {
  if (v.vm.typeof(h) !== 'string') throw new Refused({ name: 'TypeError', message: `${what} is a ${v.vm.typeof(h)}, not text` });
  // A string's length, read in the VM (getLength() answers for objects only).
  const lengthHandle = v.vm.getProp(h, 'length');
  const n = v.vm.typeof(lengthHandle) === 'number' ? v.vm.getNumber(lengthHandle) : Infinity;
  lengthHandle.dispose();
  if (n > max) throw new Refused({ name: 'RangeError', message: `${what} is ${n} characters; the limit is ${max}`, limit: true });
  return v.vm.getString(h);
}

function vmError(v: Vm, errHandle: QuickJSHandle): VmError {
  // The deadline that stopped the plugin also stops describing its error: give this a moment of its own.
  v.rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 1000));
  const r = v.vm.callFunction(v.describeError, v.vm.undefined, errHandle);
  errHandle.dispose();
  if (r.error) {
    r.error.dispose();
    return { name: 'Error', message: '(an error that cannot be described)' };
  }
  try {
    const parsed = JSON.parse(text(v, r.value, 3 * limits.errorChars, 'the error')) as VmError;
    return { name: String(parsed.name), message: String(parsed.message), ...(parsed.stack ? { stack: String(parsed.stack) } : {}) };
  } catch (e) {
    return e instanceof Refused ? e.vmError : { name: 'Error', message: '(an error that cannot be described)' };
  } finally {
    r.value.dispose();
  }
}

/** Runs jobs until the promise settles; a promise that nothing can settle any more is an error. */
function settle(v: Vm, h: QuickJSHandle, what: string): QuickJSHandle {
  for (;;) {
    const st = v.vm.getPromiseState(h);
    if (st.type === 'fulfilled') {
      if (st.notAPromise) return h;
      h.dispose();
      return st.value;
    }
    if (st.type === 'rejected') {
      h.dispose();
      throw new Refused(vmError(v, st.error));
    }
    if (!v.rt.hasPendingJob()) {
      h.dispose();
      throw new Refused({ name: 'Error', message: `${what} never settles: the sandbox has no timers and no I/O, so nothing outside the plugin can settle its promises` });
    }
    const r = v.rt.executePendingJobs(1000);
    if (r.error) {
      h.dispose();
      throw new Refused(vmError(v, r.error));
    }
  }
}

/** Evaluates the plugin's module and returns its `__golive` driver object. */
function load(p: Plugin, v: Vm): QuickJSHandle {
  v.rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + limits.loadMs));
  const r = v.vm.evalCode(p.code, 'plugin.mjs', { type: 'module' });
  if (r.error) throw new Refused({ ...vmError(v, r.error), phase: 'load' });
  let ns: QuickJSHandle;
  try {
    ns = settle(v, r.value, 'the plugin\'s top-level await');
  } catch (e) {
    if (e instanceof Refused) throw new Refused({ ...e.vmError, phase: 'load' });
    throw e;
  }
  const driver = v.vm.getProp(ns, '__golive');
  ns.dispose();
  return driver;
}

function call(v: Vm, target: QuickJSHandle, name: string, args: QuickJSHandle[], deadlineMs: number, max: number, what: string): string {
  const fn = v.vm.getProp(target, name);
  v.rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + deadlineMs));
  const r = v.vm.callFunction(fn, v.vm.undefined, ...args);
  fn.dispose();
  for (const a of args) a.dispose();
  if (r.error) throw new Refused(vmError(v, r.error));
  const out = settle(v, r.value, what);
  try {
    return text(v, out, max, what);
  } finally {
    out.dispose();
  }
}

async function handle(m: Exclude<ToWorker, { type: 'init' | 'prepare-validator' }>): Promise<FromWorker> {
  const p = plugins.get(m.plugin);
  if (!p) return { seq: m.seq, ok: false, error: { name: 'Error', message: 'the sandbox has no code for this plugin' }, fatal: true };
  let v: Vm | undefined;
  try {
    // golive's validator (ajv) runs in the sandbox too: a plugin's schema is untrusted input, and
    // ajv treats schemas as code it may compile.
    if (m.type === 'validate') return { seq: m.seq, ok: true, text: await validate(m) };
    v = await newVm(p);
    const driver = load(p, v);
    try {
      if (m.type === 'describe') return { seq: m.seq, ok: true, text: call(v, driver, 'describe', [], limits.loadMs, limits.metaChars, "the plugin's description") };
      const args = [v.vm.newNumber(m.index), v.vm.newString(m.wire)];
      return { seq: m.seq, ok: true, text: call(v, driver, 'run', args, m.timeoutMs, limits.resultChars, 'the check\'s result') };
    } finally {
      driver.dispose();
    }
  } catch (e) {
    if (e instanceof Refused) return { seq: m.seq, ok: false, error: e.vmError };
    // Not the plugin's error but the engine's (the WebAssembly stack overflowed, memory ran out
    // outside QuickJS's own accounting): this instance is not trusted again.
    p.engine = undefined;
    return { seq: m.seq, ok: false, error: { name: 'Error', message: `the sandbox stopped: ${e instanceof Error ? e.message.slice(0, 300) : String(e).slice(0, 300)}` }, fatal: true };
  } finally {
    if (v) dispose(p, v);
  }
}

// Calls are handled one at a time, in order (golive sends the next only after this one answers).
parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    plugins.set(m.plugin, { code: m.code });
    return;
  }
  if (m.type === 'prepare-validator') {
    // After the spare instance, which the first plugin takes.
    nextValidator ??= Promise.resolve(spare)
      .catch(() => undefined)
      .then(() => newValidator(m.validator));
    nextValidator.catch(() => undefined);
    return;
  }
  void handle(m).then((reply) => parentPort!.postMessage(reply));
});
