// Issue 24.3: test code is told apart by each language's convention, and the config can replace
// the convention. A test file's handler is indexed but never judged.
import { describe, expect, it } from 'vitest';
import picomatch from 'picomatch';
import { webhookTimingSafeCompare } from '../../../checks/webhook-timing-safe-compare.js';
import { DEFAULT_TEST_FILES } from '../../../src/config/schema.js';
import { DEFAULT_TEST_GLOBS, indexSources, judgeCode } from '../../helpers/code.js';

const isTest = picomatch([...DEFAULT_TEST_FILES], { dot: true });

describe('test files by language convention', () => {
  it.each([
    'spec/requests/webhooks_spec.rb', 'app/models/order_spec.rb', 'test/hook.test.js', 'tests/test_hooks.py', 'hooks/hooks_test.py',
    'app/__tests__/hook.ts', 'pkg/hook/hook_test.go', 'pkg/hook/testdata/sig.go', 'src/hook.spec.ts', 'Tests/WebhookTests.php',
    'src/test/java/shop/HookTest.java', 'src/main/java/shop/HookTests.java', 'tests/Feature/WebhookTest.php', 'test/fixtures/shop/app.js',
    'lib/__mocks__/crypto.js', 'conftest.py', 'hooks/test_signature.py', 'src/hook.test.mjs', 'Tests/Unit/SignatureTest.php',
  ])('%s is test code', (file) => {
    expect(isTest(file)).toBe(true);
  });

  it.each(['app/controllers/webhooks_controller.rb', 'src/webhook.ts', 'hooks/webhook.py', 'main.go', 'src/main/java/shop/Hooks.java', 'app/Http/Controllers/WebhookController.php', 'lib/specification.rb', 'src/testing_helpers.go'])(
    '%s is production code',
    (file) => {
      expect(isTest(file)).toBe(false);
    },
  );

  const RSPEC = "require 'rails_helper'\nRSpec.describe 'webhooks' do\n  it 'verifies' do\n    sig = OpenSSL::HMAC.hexdigest('SHA256', KEY, body)\n    expect(request.env['HTTP_X_SIGNATURE'] == sig).to be true\n  end\nend\n";

  it('a Ruby spec file raises nothing; the same code in app/ does', async () => {
    const inSpec = await judgeCode(webhookTimingSafeCompare, await indexSources({ 'spec/requests/webhooks_spec.rb': RSPEC }));
    expect(inSpec.findings).toEqual([]);
    expect(inSpec.verdict).toBe('skip');
    const inApp = await judgeCode(webhookTimingSafeCompare, await indexSources({ 'app/services/webhook_check.rb': RSPEC }));
    expect(inApp.where).toEqual(['app/services/webhook_check.rb:5 non-constant-time-compare']);
  });

  it('config testFiles replaces the convention', async () => {
    const files = { 'spec/requests/webhooks_spec.rb': RSPEC, 'qa/hook_check.rb': RSPEC };
    const custom = await judgeCode(webhookTimingSafeCompare, await indexSources(files, ['qa/**']));
    expect(custom.where).toEqual(['spec/requests/webhooks_spec.rb:5 non-constant-time-compare']);
    expect(DEFAULT_TEST_GLOBS).toEqual([...DEFAULT_TEST_FILES]);
  });
});
