// Pure: one lifecycle event as each channel wants it. Slack incoming webhooks take `text` (the
// notification fallback) and Block Kit `blocks`; Teams Workflows (and the older incoming webhooks)
// take a message with one Adaptive Card attachment; the generic webhook gets a stable JSON document.

import type { ImageStatus } from '../contract/status-model.ts';
import type { LifecycleEvent } from '../lifecycle/lifecycle-event.ts';

export interface EventSummary {
  title: string;
  /** One or two plain sentences. */
  detail: string;
  /** Where the service is served, when known and it helps. */
  link?: string;
}

const VERB: Record<LifecycleEvent['kind'], string> = {
  started: 'rollout started',
  succeeded: 'rollout succeeded',
  failed: 'rollout failed',
  'rolled-back': 'rolled back',
  blocked: 'blocked',
  'approval-needed': 'approval needed',
  'config-rejected': 'config rejected',
  interrupted: 'rollout interrupted',
};

const ICON: Record<LifecycleEvent['kind'], string> = {
  started: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  'rolled-back': ':rewind:',
  blocked: ':no_entry:',
  'approval-needed': ':raised_hand:',
  'config-rejected': ':warning:',
  interrupted: ':warning:',
};

export function summarise(event: LifecycleEvent, servedUrl?: string): EventSummary {
  const link = servedUrl ? { link: servedUrl } : {};
  switch (event.kind) {
    case 'started':
      return {
        title: `${event.service}: ${VERB.started}`,
        detail: `${imageName(event.from)} → ${imageName(event.to)}`,
      };
    case 'succeeded':
      return {
        title: `${event.service}: ${VERB.succeeded}`,
        detail: `${imageName(event.rollout.to)} is live. ${event.message}`,
        ...link,
      };
    case 'failed':
    case 'rolled-back':
      return {
        title: `${event.service}: ${VERB[event.kind]} (${event.rollout.reason})`,
        detail: `${imageName(event.rollout.to)}: ${event.message}`,
        ...link,
      };
    case 'interrupted':
      return {
        title: `${event.service}: ${VERB.interrupted} (${event.reason})`,
        detail: `${imageName(event.to)}: ${event.message}`,
      };
    case 'blocked':
    case 'approval-needed':
      return { title: `${event.service}: ${VERB[event.kind]} (${event.reason})`, detail: event.message };
    case 'config-rejected': {
      const first = event.errors[0];
      return {
        title: `config ${event.revision.slice(0, 12)}: ${VERB['config-rejected']}`,
        detail: first ? `${first.file}:${first.line} ${first.message}` : 'the config was rejected',
      };
    }
  }
}

/** Slack incoming webhook body. Slack's mrkdwn treats &, < and > as control characters. */
export function slackMessage(event: LifecycleEvent, summary: EventSummary): Record<string, unknown> {
  const escapeMrkdwn = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const link = summary.link ? `\n<${summary.link}|${escapeMrkdwn(summary.link)}>` : '';
  return {
    text: `${summary.title}: ${summary.detail}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${ICON[event.kind]} *${escapeMrkdwn(summary.title)}*\n${escapeMrkdwn(summary.detail)}${link}`,
        },
      },
    ],
  };
}

/** Teams message with an Adaptive Card (the Workflows "post to a channel when a webhook request is received" shape). */
export function teamsMessage(summary: EventSummary): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: summary.title, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: summary.detail, wrap: true },
          ],
          ...(summary.link
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open', url: summary.link }] }
            : {}),
        },
      },
    ],
  };
}

/** The generic webhook's document: the event as it is, plus the summary and when it was sent. */
export function webhookDocument(
  event: LifecycleEvent,
  summary: EventSummary,
  sentAt: string,
): Record<string, unknown> {
  return { event: event.kind, summary, sentAt, data: event };
}

function imageName(image: ImageStatus | null): string {
  if (!image) return '(nothing)';
  return image.tag ?? image.digest?.slice(0, 19) ?? image.image;
}
