// `golive monitor --emit grafana` against Grafana's own dashboard schema: @grafana/schema, the
// TypeScript types Grafana generates from its CUE schema. The emitted JSON, as an object literal,
// must type-check as a Dashboard under strict excess-property checks: a misspelt or unknown field,
// a missing required one or a value outside an enum is an error. Panel targets are Grafana's
// DataQuery plus the Prometheus query's own fields (expr, legendFormat), which @grafana/schema
// does not ship. The check is proven to bite on broken copies of the same dashboard.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { defaultMonitorConfig } from '../../src/monitor/config.js';
import { renderEmit } from '../../src/monitor/emit.js';

/** Type errors of `const d0: GoliveDashboard = <json>; …` (one program, compiled in memory, nothing written). */
function schemaErrors(...jsons: string[]): string[] {
  // A path inside the repository, so `@grafana/schema` resolves from its node_modules; never written.
  const file = path.resolve(import.meta.dirname, '__grafana_dashboard_check__.ts');
  const source = `import type { Dashboard, DataQuery, Panel } from '@grafana/schema';
type PrometheusQuery = DataQuery & { expr: string; legendFormat?: string };
type GolivePanel = Omit<Panel, 'targets'> & { targets: PrometheusQuery[] };
type GoliveDashboard = Omit<Dashboard, 'panels'> & { panels: GolivePanel[] };
${jsons.map((json, i) => `export const d${i}: GoliveDashboard = ${json};`).join('\n')}
`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : getSourceFile.call(host, name, lang, ...rest));
  host.fileExists = (name) => path.resolve(name) === file || fileExists.call(host, name);
  host.readFile = (name) => (path.resolve(name) === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const emitted = () => renderEmit('grafana', { monitor: defaultMonitorConfig(), webhookPaths: ['/webhooks/mintcash'] });

describe("golive monitor --emit grafana = Grafana's dashboard schema", () => {
  it('the emitted dashboard type-checks as a @grafana/schema Dashboard', { timeout: 60_000 }, () => {
    expect(schemaErrors(emitted())).toEqual([]);
  });

  it('and the check bites: a misspelt field, a wrong type and a value outside an enum are each an error', { timeout: 60_000 }, () => {
    const d = JSON.parse(emitted()) as { panels: Array<Record<string, unknown>>; templating: { list: Array<Record<string, unknown>> } };
    const misspelt = structuredClone(d);
    misspelt.panels[0]!.gridpos = misspelt.panels[0]!.gridPos;
    delete misspelt.panels[0]!.gridPos;
    const wrongType = structuredClone(d);
    (wrongType.panels[1]!.gridPos as { h: unknown }).h = '8';
    const badEnum = structuredClone(d);
    badEnum.templating.list[0]!.type = 'datasources';
    const errors = schemaErrors(...[misspelt, wrongType, badEnum].map((b) => JSON.stringify(b, null, 2)));
    expect(errors).toEqual([
      expect.stringMatching(/'"gridpos"' does not exist in type 'GolivePanel'/),
      expect.stringMatching(/Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/'"datasources"' is not assignable to type 'VariableType'/),
    ]);
  });
});
