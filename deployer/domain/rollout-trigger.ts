// What caused a rollout: the event or the person behind it. It travels from the queue message through
// intake and reconcile into the rollout, which records it on the task definition revision it registers
// (revision-tags.ts), so `history` can say who or what deployed a revision after any restart.

export const TRIGGER_KINDS = [
  /** A GitHub push to the config branch: commit, author and the message's first line. */
  'git-push',
  /** An ECR push (EventBridge "ECR Image Action"): repository and tag. */
  'image-push',
  /** `ecs-gitops sync` / POST /api/services/:service/sync: the API token's name. */
  'manual-sync',
  /** `ecs-gitops rollback`: the API token's name. */
  'manual-rollback',
  /** `ecs-gitops resume`: the API token's name. */
  'resume',
  /** A new config revision read without a push (directory watch, `ecs-gitops refresh`). */
  'config-change',
  /** The periodic resync, or a resync for which nothing newer is known. */
  'resync',
  /** The catch-up reconcile when a deployer starts. */
  'startup',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** Flat on purpose: each field is one revision tag. Fields a kind does not have are absent. */
export interface RolloutTrigger {
  kind: TriggerKind;
  /** git-push: the commit applied; config-change: the config revision when it is a commit. */
  commit?: string;
  /** git-push: the head commit's author name. */
  author?: string;
  /** git-push: the first line of the head commit's message, bounded. */
  message?: string;
  /** image-push: the repository pushed to. */
  repository?: string;
  /** image-push: the tag pushed (absent for a push by digest). */
  tag?: string;
  /** manual-sync, manual-rollback, resume, a refresh: the API token's name (never its secret). */
  token?: string;
}

/** Longest commit-message line kept on the queue; the revision tag bounds it again (256 characters). */
export const TRIGGER_MESSAGE_MAX = 200;

/** The first line of a commit message, trimmed and bounded, with an ellipsis when it was cut. */
export function commitSubject(message: string): string {
  const first = (message.split(/\r?\n/, 1)[0] ?? '').trim();
  const points = [...first];
  return points.length > TRIGGER_MESSAGE_MAX
    ? `${points.slice(0, TRIGGER_MESSAGE_MAX - 1).join('')}…`
    : first;
}

/** One human line: `git push 1a2b3c4d5e6f by Ada Lovelace: "pin 1.0.0"`, `manual sync (token ci)`. */
export function describeTrigger(trigger: RolloutTrigger): string {
  const by = trigger.token ? ` (token ${trigger.token})` : '';
  switch (trigger.kind) {
    case 'git-push': {
      const commit = trigger.commit ? ` ${trigger.commit.slice(0, 12)}` : '';
      const author = trigger.author ? ` by ${trigger.author}` : '';
      const message = trigger.message ? `: "${trigger.message}"` : '';
      return `git push${commit}${author}${message}`;
    }
    case 'image-push':
      return `image push ${trigger.repository ?? ''}${trigger.tag ? `:${trigger.tag}` : ''}`.trimEnd();
    case 'manual-sync':
      return `manual sync${by}`;
    case 'manual-rollback':
      return `manual rollback${by}`;
    case 'resume':
      return `resume${by}`;
    case 'config-change':
      return `config change${trigger.commit ? ` ${trigger.commit.slice(0, 12)}` : ''}${by}`;
    case 'resync':
      return 'resync';
    case 'startup':
      return 'deployer start';
  }
}
