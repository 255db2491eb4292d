// Validates a plugin's options against the JSON Schema the plugin declares (ESLint's style: ajv,
// every error at once, defaults filled in). It runs inside the plugin's sandbox, bundled with ajv
// by scripts/bundle.mjs: the schema comes from the plugin, and ajv compiles schemas into code, so
// an untrusted schema must only ever be compiled where untrusted code may run anyway.
import { Ajv, type ErrorObject } from 'ajv';

interface Problem {
  path: string;
  message: string;
}

function validate(schemaText: string, optionsText: string): string {
  const schema: unknown = JSON.parse(schemaText);
  const options: unknown = JSON.parse(optionsText);
  // Without meta-schema validation and code optimisation: in QuickJS these cost 40-300 ms of CPU
  // per plugin load, the validation itself 3-5 ms (measured); a malformed schema still fails to compile.
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, meta: false, validateSchema: false, code: { optimize: false, source: false } });
  let check;
  try {
    check = ajv.compile(schema as object);
  } catch (e) {
    return JSON.stringify({ ok: false, schemaError: e instanceof Error ? e.message : String(e) });
  }
  if (check(options)) return JSON.stringify({ ok: true, options });
  const problems: Problem[] = (check.errors ?? []).map((err: ErrorObject) => {
    const extra = err.keyword === 'additionalProperties' ? ` ("${String((err.params as { additionalProperty?: unknown }).additionalProperty)}")` : '';
    return { path: err.instancePath, message: `${err.message ?? 'is invalid'}${extra}` };
  });
  return JSON.stringify({ ok: false, problems });
}

(globalThis as unknown as { __goliveValidate: typeof validate }).__goliveValidate = validate;
