// The `notifications:` configuration: where to tell people about rollouts. Read at start from
// NOTIFICATIONS_FILE (a YAML or JSON file) or NOTIFICATIONS (the same text inline, e.g. an ECS secret).
// `${NAME}` in a value is replaced by that environment variable, so webhook URLs and signing secrets
// can come from Secrets Manager while the file stays in git. Validated by one JSON Schema
// (notification-schema.ts); every problem is reported at once with where it is.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { LIFECYCLE_KINDS, type LifecycleKind } from '../lifecycle/lifecycle-event.ts';
import { SettingsError } from '../runtime/settings.ts';
import validate from './generated/notification-settings-validator.js';
import type { ChannelType } from './notification-schema.ts';

/**
 * The events a channel gets when it names none: everything about rollouts, not config rejections nor
 * interruptions (a retried reconcile error is usually followed by the real outcome within seconds).
 */
export const DEFAULT_EVENTS: readonly LifecycleKind[] = LIFECYCLE_KINDS.filter(
  (kind) => kind !== 'config-rejected' && kind !== 'interrupted',
);

export interface NotificationChannel {
  /** For logs and metrics; defaults to `<type>-<index>`. */
  name: string;
  type: ChannelType;
  url: string;
  /** HMAC-SHA256 key of the generic webhook (X-EcsGitops-Signature-256). */
  secret?: string;
  events: LifecycleKind[];
  /** Service names or globs (`web-*`); empty means every service. */
  services: string[];
}

/** Reads the notification channels; [] when none are configured; throws a SettingsError on bad input. */
export function loadNotificationSettings(env: NodeJS.ProcessEnv): NotificationChannel[] {
  const file = env.NOTIFICATIONS_FILE?.trim();
  const inline = env.NOTIFICATIONS?.trim();
  if (file && inline) throw new SettingsError(['set either NOTIFICATIONS_FILE or NOTIFICATIONS, not both']);
  if (!file && !inline) return [];
  const where = file ? `NOTIFICATIONS_FILE (${file})` : 'NOTIFICATIONS';
  let text: string;
  try {
    text = file ? readFileSync(file, 'utf8') : (inline as string);
  } catch (error) {
    throw new SettingsError([`${where} cannot be read: ${(error as Error).message}`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new SettingsError([`${where} is not valid YAML or JSON: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const expanded = expandVariables(data, env, problems, where);
  if (!validate(expanded)) {
    for (const error of validate.errors ?? []) {
      const allowed =
        'allowedValues' in error.params ? ` (${(error.params.allowedValues as string[]).join(', ')})` : '';
      problems.push(`${where}${error.instancePath || ''}: ${error.message}${allowed}`);
    }
  }
  const channels =
    problems.length === 0 ? (expanded as { notifications: Record<string, unknown>[] }).notifications : [];
  const result = channels.map((raw, index): NotificationChannel => {
    const type = raw.type as ChannelType;
    const url = raw.url as string;
    if (!isHttpUrl(url)) problems.push(`${where}/notifications/${index}/url must be an http(s) URL`);
    if (type === 'webhook' && raw.secret === undefined)
      problems.push(
        `${where}/notifications/${index}: a webhook needs a secret (its HMAC-SHA256 signing key)`,
      );
    return {
      name: (raw.name as string | undefined) ?? `${type}-${index}`,
      type,
      url,
      ...(raw.secret ? { secret: raw.secret as string } : {}),
      events: (raw.events as LifecycleKind[] | undefined) ?? [...DEFAULT_EVENTS],
      services: (raw.services as string[] | undefined) ?? [],
    };
  });
  if (problems.length > 0) throw new SettingsError(problems);
  return result;
}

/** Replaces `${NAME}` in every string with the environment variable; a missing one is a problem. */
function expandVariables(value: unknown, env: NodeJS.ProcessEnv, problems: string[], where: string): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        problems.push(`${where} uses \${${name}}, but the environment variable ${name} is not set`);
        return '';
      }
      return found;
    });
  if (Array.isArray(value)) return value.map((item) => expandVariables(item, env, problems, where));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandVariables(v, env, problems, where)]),
    );
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
