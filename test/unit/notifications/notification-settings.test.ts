import { describe, expect, it } from 'vitest';
import { loadNotificationSettings } from '../../../deployer/notifications/notification-settings.ts';
import { SettingsError } from '../../../deployer/runtime/settings.ts';

/** `${NAME}`, spelt out so no linter mistakes it for a template literal. */
const ref = (name: string) => ['$', '{', name, '}'].join('');

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadNotificationSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadNotificationSettings(env)', () => {
  it('returns no channels when nothing is configured', () => {
    expect(loadNotificationSettings({})).toEqual([]);
  });

  it('reads YAML with defaults for name, events and services, and expands environment variables', () => {
    const channels = loadNotificationSettings({
      SLACK_URL: 'https://hooks.slack.com/services/T/B/x',
      HOOK_SECRET: 'a-signing-secret-of-32-characters',
      NOTIFICATIONS: [
        'notifications:',
        '  - type: slack',
        `    url: ${ref('SLACK_URL')}`,
        '  - name: audit',
        '    type: webhook',
        '    url: https://audit.example/hooks',
        `    secret: ${ref('HOOK_SECRET')}`,
        '    events: [failed, rolled-back]',
        '    services: ["web-*"]',
      ].join('\n'),
    });
    expect(channels).toEqual([
      {
        name: 'slack-0',
        type: 'slack',
        url: 'https://hooks.slack.com/services/T/B/x',
        events: ['started', 'succeeded', 'failed', 'rolled-back', 'blocked', 'approval-needed'],
        services: [],
      },
      {
        name: 'audit',
        type: 'webhook',
        url: 'https://audit.example/hooks',
        secret: 'a-signing-secret-of-32-characters',
        events: ['failed', 'rolled-back'],
        services: ['web-*'],
      },
    ]);
  });

  it.each([
    [
      'an unknown type',
      '{"notifications":[{"type":"discord","url":"https://x"}]}',
      'must be equal to one of the allowed values (slack, teams, webhook)',
    ],
    [
      'a webhook without secret',
      '{"notifications":[{"type":"webhook","url":"https://x"}]}',
      'a webhook needs a secret',
    ],
    [
      'an unknown event',
      '{"notifications":[{"type":"slack","url":"https://x","events":["deployed"]}]}',
      '/notifications/0/events/0',
    ],
    [
      'a misspelt key',
      '{"notifications":[{"type":"slack","url":"https://x","service":["a"]}]}',
      'must NOT have additional properties',
    ],
    [
      'a URL that is not http(s)',
      '{"notifications":[{"type":"slack","url":"ftp://x"}]}',
      'url must be an http(s) URL',
    ],
    [
      'an unset variable',
      `{"notifications":[{"type":"slack","url":"${ref('NOPE')}"}]}`,
      'the environment variable NOPE is not set',
    ],
    ['text that is not YAML', 'notifications: [', 'is not valid YAML or JSON'],
  ])('reports %s, naming where', (_name, text, expected) => {
    expect(problemsOf({ NOTIFICATIONS: text }).join('\n')).toContain(expected);
  });

  it('refuses both NOTIFICATIONS and NOTIFICATIONS_FILE', () => {
    expect(problemsOf({ NOTIFICATIONS: '{}', NOTIFICATIONS_FILE: 'x.yaml' })).toEqual([
      'set either NOTIFICATIONS_FILE or NOTIFICATIONS, not both',
    ]);
  });
});
