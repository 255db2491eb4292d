// A plugin's options checked against the JSON Schema it declares (ESLint's style: every problem
// named by its path, defaults filled in), for golive's loader and the plugin tester alike. The
// validator (ajv) runs in the plugin's sandbox, since ajv compiles a schema into code and the
// schema is as untrusted as the plugin (its answer is cached: answers.ts).
import { oneLine } from '../output/escape.js';
import { validated } from './answers.js';
import { PLUGIN_LIMITS } from './limits.js';
import type { PluginCache } from './cache.js';
import type { PluginSandbox } from './sandbox.js';

type Rec = Record<string, unknown>;

/**
 * The options to run with (defaults filled in) and every problem found. `options` is missing when
 * the plugin cannot run at all; a plugin given options it takes none of still loads (with `{}`), so
 * its other problems are named in the same run.
 */
export interface OptionsCheck {
  options?: Rec;
  problems: string[];
}

/** A value as one line of JSON, for a problem message. */
export const show = (v: unknown) => oneLine(JSON.stringify(v) ?? String(v));

/** A parsed answer of the sandbox, or undefined when it is not a JSON object. */
export function parseObject(text: string): Rec | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
  } catch {
    return undefined;
  }
}

/** `options` (as a plugin entry gives them) checked against `schema` (as the plugin declares it). */
export async function checkOptions(options: Rec | undefined, schema: unknown, sandbox: PluginSandbox, cache?: PluginCache): Promise<OptionsCheck> {
  const fail = (...problems: string[]): OptionsCheck => ({ problems });
  if (schema === undefined) {
    const given = options !== undefined && Object.keys(options).length > 0;
    return { options: {}, problems: given ? ['takes no options (it declares no `schema`): remove "options" from its entry'] : [] };
  }
  if (!schema || (typeof schema !== 'object' && typeof schema !== 'boolean')) return fail(`schema = ${show(schema)} must be a JSON Schema object`);
  const text = JSON.stringify(options ?? {});
  if (text.length > PLUGIN_LIMITS.optionsChars) return fail(`options are ${text.length} characters of JSON; the limit is ${PLUGIN_LIMITS.optionsChars}`);
  let answer: Rec | undefined;
  try {
    answer = parseObject(await validated(sandbox, JSON.stringify(schema), text, cache));
  } catch (e) {
    return fail(`its options could not be checked: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof answer?.schemaError === 'string') return fail(`schema is not a valid JSON Schema: ${answer.schemaError}`);
  if (answer?.ok === true && answer.options && typeof answer.options === 'object' && !Array.isArray(answer.options)) return { options: answer.options as Rec, problems: [] };
  const problems = Array.isArray(answer?.problems) ? (answer.problems as { path?: unknown; message?: unknown }[]) : [];
  const lines = problems.slice(0, 20).map((p) => {
    const at = typeof p.path === 'string' && p.path ? `options${p.path.replace(/\/([^/]*)/g, (_m, k: string) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))}` : 'options';
    return `${at} ${String(p.message)}`;
  });
  return fail(...(lines.length > 0 ? lines : ['its options could not be checked (the validator gave no answer)']));
}
