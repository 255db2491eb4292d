// schema/golive.config.schema.json is generated from the zod config schema (src/config/json-schema.ts)
// and shipped in the package for editors (`$schema`). This test fails when the config schema
// changed and the file was not regenerated, and checks that editors would judge configs as golive does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { configSchema } from '../../src/config/schema.js';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from '../../src/config/json-schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REGENERATE = `${CONFIG_SCHEMA_FILE} is out of step with src/config/schema.ts: regenerate it with \`npx vitest run test/docs -u\` and commit it`;
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const text = renderConfigJsonSchema(builtinChecks);
const schema = JSON.parse(text) as Obj;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
const editorSays = (config: unknown): string[] => (validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
const goliveSays = (config: unknown): string[] => {
  const r = configSchema.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => `/${i.path.join('/')} ${i.message}`);
};

describe(CONFIG_SCHEMA_FILE, () => {
  it('matches the zod config schema', async () => {
    await expect(text, REGENERATE).toMatchFileSnapshot(`../../${CONFIG_SCHEMA_FILE}`);
  });

  it('is a strict draft-07 schema that completes every built-in check id and its settings', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    const checks = schema.properties.checks as Obj;
    expect(Object.keys(checks.properties)).toEqual(builtinChecks.map((c) => c.id));
    expect(checks.properties['webhook.signature']).toMatchObject({ enum: ['off', 'warning', 'error'] });
    expect(checks.additionalProperties).toMatchObject({ enum: ['off', 'warning', 'error'] }); // plugin ids
    expect(schema.properties.waivers.items.properties.id.examples).toContain('credentials.live-keys');
    expect(schema.properties.webhook.properties.url.description).toMatch(/live webhook URL/);
  });

  it('accepts the configs of this repository and the README\'s example, as golive does', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /## Configuration[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    for (const config of [JSON.parse(example!), JSON.parse(readFileSync(path.join(ROOT, 'golive.config.json'), 'utf8')), {}, { $schema: './node_modules/mintcash-golive/schema/golive.config.schema.json' }]) {
      expect(goliveSays(config)).toEqual([]);
      expect(editorSays(config)).toEqual([]);
    }
  });

  it('refuses what golive refuses for its shape: unknown keys, wrong types and values, missing fields', () => {
    const cases: unknown[] = [
      { enviroment: 'live' },
      { environment: 'prod' },
      { webhook: { url: 'https://shop.example/webhooks', probe: {} } },
      { webhook: { probes: { count: 0 } } },
      { webhook: { probes: { timeoutMs: 1.5 } } },
      { webhook: { url: 'ftp://shop.example/webhooks' } },
      { checks: { 'webhook.signature': 'warn' } },
      { waivers: [{ id: 'credentials.live-keys', reason: 'old', expires: '2027-01-01' }] },
      { waivers: [{ id: 'credentials.live-keys', reason: 'old', owner: 'ana', expires: 'soon' }] },
      { productionConfig: '.env.production' },
      { rehearsal: { currency: 'usd' } },
    ];
    for (const c of cases) {
      expect(goliveSays(c), JSON.stringify(c)).not.toEqual([]);
      expect(editorSays(c), JSON.stringify(c)).not.toEqual([]);
    }
  });

  it('leaves to golive what JSON Schema cannot say (documented in src/config/json-schema.ts)', () => {
    // A date that does not exist, a URL with a password, a glob that does not compile.
    for (const c of [
      { waivers: [{ id: 'credentials.live-keys', reason: 'old', owner: 'ana', expires: '2027-02-30' }] },
      { webhook: { url: 'https://user:pass@shop.example/webhooks' } },
      { ignore: ['[unclosed'] },
    ]) {
      expect(editorSays(c), JSON.stringify(c)).toEqual([]);
      expect(goliveSays(c), JSON.stringify(c)).not.toEqual([]);
    }
  });
});
