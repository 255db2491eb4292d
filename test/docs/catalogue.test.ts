// docs/checks.md is generated from the registry: this test fails when a check's prose changes and
// the file was not regenerated (`npx vitest run test/docs -u`).
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { createRegistry } from '../../src/engine/registry.js';
import { renderCatalogue } from '../../src/cli/list.js';

describe('docs/checks.md', () => {
  it('matches the registry', async () => {
    const { checks } = createRegistry(builtinChecks);
    await expect(renderCatalogue(checks)).toMatchFileSnapshot('../../docs/checks.md');
  });
});
