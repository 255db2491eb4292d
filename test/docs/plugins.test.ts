// docs/plugins.md is generated from the evidence types: this test fails when a type or its doc
// comment changes and the file was not regenerated (`npx vitest run test/docs -u`).
import { describe, expect, it } from 'vitest';
import { renderPluginDocs } from '../../scripts/plugin-docs.js';

describe('docs/plugins.md', () => {
  it('matches the evidence types', async () => {
    const md = renderPluginDocs();
    // Every evidence key a check can declare is documented, rehearsal included.
    for (const key of ['repo', 'secrets', 'history', 'keys', 'webhook', 'mintcash', 'code', 'rehearsal']) expect(md).toContain(`- \`${key}\`:`);
    expect(md).toContain('### KeyInventory');
    await expect(md).toMatchFileSnapshot('../../docs/plugins.md');
  });
});
