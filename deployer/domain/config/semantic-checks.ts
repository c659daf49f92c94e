// Rules of one service file that a JSON Schema cannot state well: image references inside the
// configured repository, digest shape, semver ranges, regular expressions, URLs and cross-field timing.
// Each check reads the raw data defensively, so it runs even when other fields are wrong.
// semver's functions one by one: its index loads all ~47 of its modules (~15 ms of each start).
import validRange from 'semver/ranges/valid.js';
import { parseCron } from '../gates/cron.ts';
import { parseDuration } from '../gates/sync-window.ts';
import { isKnownTimeZone } from '../gates/time-zone.ts';
import { isDigest, parseImageRef, sameRepository } from '../image-ref.ts';
import { compileTagGlob, compileTagRegex } from '../policy/tag-pattern.ts';
import type { ImageRef } from '../types.ts';
import { analysisIssues } from './analysis-checks.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { rolloutStrategyIssues } from './rollout-strategy-checks.ts';
import type { Issue } from './schema-errors.ts';

type Data = Record<string, unknown>;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ECR_HOST = /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;
const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

function digestProblem(digest: string): string | undefined {
  if (isDigest(digest)) return undefined;
  const hex = digest.slice('sha256:'.length);
  if (/^[0-9a-fA-F]*$/.test(hex) && hex.length === 64) return 'digest must use lowercase hex characters';
  return `malformed digest: expected \`sha256:\` followed by 64 lowercase hex characters, got ${hex.length} characters after \`sha256:\``;
}

/** The configured repository as an image reference, or an issue explaining what is wrong with it. */
export function parseRepository(repository: string): { ref?: ImageRef; issue?: string } {
  const parsed = parseImageRef(repository);
  if (!parsed.ok)
    return {
      issue: `invalid repository: ${parsed.error.message.replace(/^invalid image reference "[^"]*": (?:repository )?/, '')} (e.g. \`actors\` or \`123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors\`)`,
    };
  if (parsed.value.tag !== undefined || parsed.value.digest !== undefined)
    return { issue: 'the repository must not include a tag or digest; put it in `image.pin` instead' };
  return { ref: parsed.value };
}

function pinIssues(pin: string, repository: ImageRef | undefined): string[] {
  if (pin.startsWith('sha256:')) {
    const problem = digestProblem(pin);
    return problem ? [problem] : [];
  }
  if (TAG.test(pin)) return [];
  // Not a bare tag: it may be a full image reference, which must stay inside the configured repository.
  const parsed = parseImageRef(pin);
  if (!parsed.ok) {
    if (pin.includes('@sha256:')) {
      const problem = digestProblem(pin.slice(pin.indexOf('@') + 1));
      if (problem) return [problem];
    }
    return [
      `\`${pin}\` is neither a tag (letters, digits, "_", "." and "-", up to 128) nor a \`sha256:\` digest nor an image reference`,
    ];
  }
  const ref = parsed.value;
  // A bare repository name means "this account's ECR": a pin naming any other registry is not in it.
  const foreignRegistry =
    repository?.registry === undefined && ref.registry !== undefined && !ECR_HOST.test(ref.registry);
  if (repository !== undefined && (foreignRegistry || !sameRepository(ref, repository)))
    return [
      `image \`${pin}\` is outside the configured repository \`${repository.registry ? `${repository.registry}/` : ''}${repository.repository}\`; pin a tag or digest of that repository, or change image.repository`,
    ];
  if (ref.tag === undefined && ref.digest === undefined)
    return [
      `\`${pin}\` names a repository but no tag or digest; pin \`repository:tag\` or a \`sha256:\` digest`,
    ];
  return [];
}

/** The tag or digest a valid pin stands for (a full reference is reduced to its digest, else its tag). */
export function normalisePin(pin: string): string {
  if (pin.startsWith('sha256:') || TAG.test(pin)) return pin;
  const parsed = parseImageRef(pin);
  if (!parsed.ok) return pin;
  return parsed.value.digest ?? parsed.value.tag ?? pin;
}

function trackIssues(track: Data): Issue[] {
  const issues: Issue[] = [];
  const range = text(track.semver);
  if (range !== undefined && validRange(range) === null)
    issues.push({
      path: ['image', 'track', 'semver'],
      anchor: 'value',
      message: `invalid semver range \`${range}\`; write e.g. \`^1.4.0\`, \`~1.4\`, \`1.x\` or \`>=1.4.0 <2.0.0\``,
    });
  // Tag patterns compile to a linear-time engine (policy/tag-pattern.ts); what it cannot run is refused here.
  const regex = text(track.regex);
  const compiledRegex = regex === undefined ? undefined : compileTagRegex(regex);
  if (compiledRegex && !compiledRegex.ok)
    issues.push({ path: ['image', 'track', 'regex'], anchor: 'value', message: compiledRegex.error.message });
  const glob = text(track.glob);
  const compiledGlob = glob === undefined ? undefined : compileTagGlob(glob);
  if (compiledGlob && !compiledGlob.ok)
    issues.push({ path: ['image', 'track', 'glob'], anchor: 'value', message: compiledGlob.error.message });
  if (glob !== undefined && /[/:@]/.test(glob))
    issues.push({
      path: ['image', 'track', 'glob'],
      anchor: 'value',
      message: `the glob is matched against tags only, and tags cannot contain "/", ":" or "@"; write just the tag pattern (e.g. \`release-*\`) and put the repository in image.repository`,
    });
  return issues;
}

function verifyIssues(verify: Data): Issue[] {
  const issues: Issue[] = [];
  const url = text(verify.url);
  if (url !== undefined && /^https?:\/\/\S+$/.test(url)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      issues.push({ path: ['verify', 'url'], anchor: 'value', message: `\`${url}\` is not a valid URL` });
    }
    // The URL is logged and shown on /status: a password in it would leak.
    if (parsed && (parsed.username !== '' || parsed.password !== ''))
      issues.push({
        path: ['verify', 'url'],
        anchor: 'value',
        message: 'must not contain a user name or password: the URL is logged and shown on /status',
      });
  }
  const defaults = CONFIG_DEFAULTS.verify;
  const successes = num(verify.successes, defaults.successes);
  const interval = num(verify.intervalSeconds, defaults.intervalSeconds);
  const timeout = num(verify.timeoutSeconds, defaults.timeoutSeconds);
  // The first probe runs at once, so `successes` probes need (successes - 1) intervals.
  const needed = (successes - 1) * interval;
  if (needed > timeout)
    issues.push({
      path: ['verify', 'timeoutSeconds'],
      anchor: 'value',
      message: `${successes} successes ${interval}s apart take at least ${needed}s, longer than timeoutSeconds ${timeout}s, so verification could never pass; raise timeoutSeconds or lower successes/intervalSeconds`,
    });
  return issues;
}

/** Sync windows: a cron that parses, a zone Intl knows, a duration longer than zero. */
function windowIssues(windows: unknown[]): Issue[] {
  const issues: Issue[] = [];
  for (const [index, item] of windows.entries()) {
    const window = record(item);
    if (!window) continue;
    const schedule = text(window.schedule);
    const parsed = schedule === undefined || schedule === '' ? undefined : parseCron(schedule);
    if (parsed && !parsed.ok)
      issues.push({
        path: ['windows', index, 'schedule'],
        anchor: 'value',
        message: `invalid cron schedule \`${schedule}\`: ${parsed.error}`,
      });
    const zone = text(window.timeZone);
    if (zone !== undefined && zone !== '' && !isKnownTimeZone(zone))
      issues.push({
        path: ['windows', index, 'timeZone'],
        anchor: 'value',
        message: `unknown time zone \`${zone}\`; use an IANA name such as \`Europe/Berlin\`, \`America/New_York\` or \`UTC\``,
      });
    const duration = text(window.duration);
    if (
      duration !== undefined &&
      /^(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?$/.test(duration) &&
      parseDuration(duration) === undefined
    )
      issues.push({
        path: ['windows', index, 'duration'],
        anchor: 'value',
        message: `duration \`${duration}\` is empty or zero; write e.g. \`1h\` or \`30m\``,
      });
  }
  return issues;
}

export function semanticIssues(data: unknown): Issue[] {
  const root = record(data);
  if (root === undefined) return [];
  const issues: Issue[] = [];
  const image = record(root.image);
  let repository: ImageRef | undefined;
  const repositoryText = text(image?.repository);
  if (repositoryText !== undefined && repositoryText !== '') {
    const { ref, issue } = parseRepository(repositoryText);
    repository = ref;
    if (issue) issues.push({ path: ['image', 'repository'], anchor: 'value', message: issue });
  }
  const pin = text(image?.pin);
  if (pin !== undefined && pin !== '')
    for (const message of pinIssues(pin, repository))
      issues.push({ path: ['image', 'pin'], anchor: 'value', message });
  const track = record(image?.track);
  if (track) issues.push(...trackIssues(track));
  const verify = record(root.verify);
  if (verify) issues.push(...verifyIssues(verify));
  if (Array.isArray(root.windows)) issues.push(...windowIssues(root.windows));
  const rollout = record(root.rollout);
  if (rollout) issues.push(...rolloutStrategyIssues(rollout), ...analysisIssues(root));
  return issues;
}
