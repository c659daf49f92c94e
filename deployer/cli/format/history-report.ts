// Text view of a service's history for `ecs-gitops history`: one line per revision, newest first, then
// where to look further (the links of the newest revision that has them).
import type { HistoryEntry, ServiceHistory } from '../../contract/history-model.ts';
import { describeTrigger } from '../../domain/rollout-trigger.ts';
import { formatDuration, formatTime, imageLabel } from '../../present/format-values.ts';
import { noPaint, type Paint } from './colour.ts';
import { printable, textTable } from './text-table.ts';

export const HISTORY_COLUMNS = ['REVISION', 'RESULT', 'IMAGE', 'TRIGGER', 'STARTED', 'DURATION'] as const;

const RESULT_COLOUR = { Succeeded: 'green', Failed: 'red', RolledBack: 'red', InProgress: 'yellow' } as const;

export function historyTable(history: ServiceHistory, paint: Paint = noPaint): string {
  const lines = [
    `${printable(history.service)}: ECS service ${printable(history.ecsService)} in ${printable(history.cluster)}, family ${printable(history.family)} (* = live)`,
  ];
  if (history.revisions.length === 0) lines.push('no active revisions');
  else
    lines.push(
      textTable(HISTORY_COLUMNS, history.revisions.map(historyRow), (cell, column) => (text) => {
        const colour =
          column === 1 ? RESULT_COLOUR[cell.split(' ')[0] as keyof typeof RESULT_COLOUR] : undefined;
        return colour ? paint(text, colour) : text;
      }),
    );
  if (history.more > 0)
    lines.push(`${history.more} older active revision${history.more === 1 ? '' : 's'} not shown (--limit)`);
  const linked = history.revisions.find((entry) => Object.keys(entry.links).length > 0);
  if (linked) {
    lines.push(`links of ${printable(linked.revision)}:`);
    for (const [name, url] of Object.entries(linked.links))
      lines.push(`  ${name.padEnd(17)} ${printable(url)}`);
  }
  return lines.join('\n');
}

function historyRow(entry: HistoryEntry): string[] {
  const result = entry.result ?? '—';
  const restored = entry.restored
    ? `, rolled back to ${formatTime(entry.restored.at)}${entry.restored.by ? ` by ${entry.restored.by}` : ''}`
    : '';
  const reason = entry.reason && entry.reason !== 'RolloutSucceeded' ? ` (${entry.reason})` : '';
  return [
    `${entry.live ? '*' : ' '}${printable(entry.revision)}`,
    printable(`${result}${reason}${restored}`),
    printable(
      entry.image
        ? imageLabel({
            image: entry.image,
            ...(entry.tag ? { tag: entry.tag } : {}),
            ...(entry.digest ? { digest: entry.digest } : {}),
          })
        : '—',
    ),
    printable(entry.trigger ? describeTrigger(entry.trigger) : '—'),
    formatTime(entry.startedAt),
    entry.durationMs === undefined ? '' : formatDuration(entry.durationMs),
  ];
}
