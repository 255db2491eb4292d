import { describe, expect, it } from 'vitest';
import { checkProblems, createRegistry, selectChecks } from '../../src/engine/registry.js';
import { SECTIONS, type Check } from '../../src/engine/types.js';
import { builtinChecks } from '../../checks/index.js';

const good = (id: string, section = 'credentials'): Check =>
  ({ id, section, kind: 'static', title: 't', failureTitle: 'f', why: 'w', fix: 'x', defaultSeverity: 'error', requires: [], run: () => ({}) }) as Check;

describe('registry', () => {
  it('accepts the built-in checklist', () => {
    expect(() => createRegistry(builtinChecks)).not.toThrow();
  });

  it('reports every problem at once', () => {
    const bad = { ...good('credentials.a'), title: '', requires: ['nope'] } as unknown as Check;
    const problems = checkProblems([good('credentials.a'), good('credentials.a'), bad, { ...good('Bad Id') }, { ...good('webhook.x'), section: 'misc' } as unknown as Check]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'credentials.a: duplicate id',
        'credentials.a: title = "" must be a non-empty string',
        'credentials.a: requires unknown evidence "nope"',
        'Bad Id: id must look like "section.name"',
        `webhook.x: unknown section "misc" (${SECTIONS.join(', ')})`,
      ]),
    );
    expect(() => createRegistry([good('credentials.a'), good('credentials.a')])).toThrow(/registry is invalid/);
  });

  it('selects by id and by section, and rejects unknown names', () => {
    const reg = createRegistry([good('credentials.a'), good('credentials.b'), good('webhook.c', 'webhook')]);
    expect(selectChecks(reg, ['credentials']).map((c) => c.id)).toEqual(['credentials.a', 'credentials.b']);
    expect(selectChecks(reg, ['webhook', 'credentials.a']).map((c) => c.id)).toEqual(['credentials.a', 'webhook.c']);
    expect(selectChecks(reg, undefined, ['credentials.b']).map((c) => c.id)).toEqual(['credentials.a', 'webhook.c']);
    expect(() => selectChecks(reg, ['credentails'])).toThrow(/unknown check or section: credentails/);
  });
});
