// Exports of the program (deployer/, local/, service/, common/) that only tests import. A test reaches
// the program through its public surface; an export made for a test alone widens that surface for
// nothing (it was how decodeMessage, a second queue decoder, outlived decodeQueueBody). The ones
// below stay on purpose; anything new fails here until it goes or is listed with its reason.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportUsage } from '../../support/export-usage.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const isTest = (file: string) =>
  file.startsWith('test/') || file.startsWith('infra/test/') || file.endsWith('.test.ts');

/** A value the program uses that its tests compare with, rather than keep a copy that can drift. */
const SHARED = 'a value the program uses; the test asserts against it instead of a copy';
/** A pure helper of one module, table-tested alone: through its caller it would need a server or a process. */
const PURE = 'a pure helper of its module, table-tested alone (its caller needs a server or a process)';

/** AWS's limits, next to the code that must stay within them; tests hold every value written to them. */
const AWS_LIMIT =
  'an AWS limit (API reference) kept beside the encoder; tests check what we write against it';

const ALLOWED: Record<string, string> = {
  'deployer/adapters/aws/ssm-adapter.ts#releaseParameterName': SHARED,
  'deployer/adapters/config-limits.ts#MAX_CONFIG_TOTAL_BYTES': SHARED,
  'deployer/cli/commands/read-events.ts#parseBlock': PURE,
  'deployer/cli/commands/validate.ts#formatError': PURE,
  'deployer/cli/commands/validate.ts#formatGithubAnnotation': PURE,
  'deployer/cli/format/colour.ts#ansiPaint': PURE,
  'deployer/cli/main.ts#runCli': 'the CLI in-process: the bin runs it; tests run commands without a process',
  'deployer/cli/write-schema.ts#SCHEMA_FILE': SHARED,
  'deployer/cli/write-schema.ts#schemaFileIsCurrent':
    'the check `npm run schema` answers; a test keeps the file current',
  'deployer/domain/config/parse-config-files.ts#processParseCache':
    "the process's parse cache: a test counts that the served-URL watcher and the intake share one parse",
  'deployer/domain/config/suggestions.ts#editDistance': PURE,
  'deployer/startup/config-watcher.ts#POLL_BUDGET': SHARED,
  'deployer/domain/revision-tags.ts#REVISION_TAG_KEYS': SHARED,
  'deployer/http/dashboard/history-page.ts#renderHistoryPage': PURE,
  'deployer/domain/revision-tags.ts#TRIGGER_TAG_KEYS': SHARED,
  'deployer/domain/tag-text.ts#TAGS_PER_RESOURCE_MAX': AWS_LIMIT,
  'deployer/domain/tag-text.ts#TAG_PATTERN': AWS_LIMIT,
  'deployer/domain/tag-text.ts#TAG_VALUE_MAX': AWS_LIMIT,
  'deployer/domain/tag-text.ts#isValidTag': AWS_LIMIT,
  'deployer/http/bearer-auth.ts#SESSION_MAX_AGE_SECONDS': SHARED,
  'deployer/http/bearer-auth.ts#bearerToken': PURE,
  'deployer/http/dashboard/escape-html.ts#escapeHtml': PURE,
  'deployer/http/private-no-store.ts#PRIVATE_NO_STORE': SHARED,
  'deployer/runtime/queue-consumer.ts#defaultBackoffSeconds': PURE,
  'deployer/runtime/status-refresh.ts#refreshPeriodMs': PURE,
  'local/ecs/traffic-shift.ts#productionSteps': PURE,
  'local/faults.ts#seededRandom': PURE,
  'local/notifications/receiver.ts#startNotificationReceiver':
    'a local stand-in (a notification endpoint) that only tests start so far',
  'local/sqs.ts#queueAttributes': SHARED,
  'local/task-commands.ts#REPO_ROOT': SHARED,
  'local/world-options-from-env.ts#localPortsFromEnv': PURE,
  'local/world.ts#environmentServiceName': SHARED,
  'local/world.ts#LOCAL_DISTRIBUTION_ID': SHARED,
  'local/world.ts#localStackValues': SHARED,
  'service/basic-auth.ts#parseBasicAuth': PURE,
  'service/logger.ts#REDACTED_PATHS': SHARED,
};

describe('test-only exports', () => {
  const usage = exportUsage(ROOT, ['deployer', 'local', 'service', 'common'], isTest);

  it('are only the listed ones, each with its reason (and every listed one is still test-only)', () => {
    expect(usage.testOnly).toEqual(Object.keys(ALLOWED).sort());
  });

  it('sees the imports (the audit itself works)', () => {
    // An export the program imports never shows; one that only tests import does.
    expect(usage.testOnly).toContain('deployer/cli/main.ts#runCli');
    expect(usage.testOnly).not.toContain('deployer/domain/decide.ts#decide');
    expect(usage.unused).not.toContain('deployer/domain/decide.ts#decide');
  });
});
