// Desired vs live per service, for `ecs-gitops diff`. Pure: takes the status JSON, returns rows.

import type { DeployerStatus, ImageStatus, ServiceStatus } from '../../contract/status-model.ts';
import { emptyStateMessage } from '../../present/empty-state.ts';
import { imageLabel, liveImageStatus } from '../../present/format-values.ts';
import { noPaint, type Paint } from './colour.ts';
import { configProblems } from './status-report.ts';
import { printable, textTable } from './text-table.ts';

export interface ServiceDiff {
  service: string;
  inSync: boolean;
  desired: { image: string; digest: string; tag?: string } | null;
  /** ECS's image, with the tag when status names one for that digest. */
  live: ImageStatus | null;
  state: string;
  /** Why it differs, in words; empty when in sync. */
  detail: string;
}

export interface DiffReport {
  inSync: boolean;
  services: ServiceDiff[];
  /** Rejected config: git says something the deployer does not apply. */
  configErrors: number;
}

export function diffStatus(status: DeployerStatus): DiffReport {
  const services = status.services.map(diffService);
  const configErrors = status.config.errors.length;
  return { inSync: configErrors === 0 && services.every((s) => s.inSync), services, configErrors };
}

function diffService(service: ServiceStatus): ServiceDiff {
  const desired = service.desired
    ? {
        image: service.desired.image,
        digest: service.desired.digest,
        ...(service.desired.tag ? { tag: service.desired.tag } : {}),
      }
    : null;
  const live = liveImageStatus(service);
  const inSync = desired !== null && live !== null && live.digest === desired.digest;
  const state = service.sync.state;
  let detail = '';
  if (!desired) detail = `no desired image: ${service.sync.message || service.sync.reason}`;
  else if (!live) detail = 'live image unknown (service not found or not reconciled yet)';
  else if (!inSync) detail = `${state}: ${service.sync.message || service.sync.reason}`;
  return { service: service.name, inSync, desired, live, state, detail };
}

export function diffText(status: DeployerStatus, report: DiffReport, paint: Paint = noPaint): string {
  const lines: string[] = [];
  if (report.services.length === 0) lines.push(emptyStateMessage(status));
  else
    lines.push(
      textTable(
        ['', 'SERVICE', 'DESIRED', 'LIVE', 'DIFFERENCE'],
        report.services.map((s) => [
          s.inSync ? '=' : '~',
          printable(s.service),
          printable(imageLabel(s.desired)),
          printable(imageLabel(s.live)),
          s.inSync ? 'in sync' : printable(s.detail),
        ]),
        (cell, column) => (text) => (column === 0 ? paint(text, cell === '=' ? 'green' : 'yellow') : text),
      ),
    );
  lines.push(...configProblems(status));
  const differing = report.services.filter((s) => !s.inSync).length;
  const parts = [
    `${differing} of ${report.services.length} service${report.services.length === 1 ? '' : 's'} differ`,
  ];
  if (report.configErrors > 0)
    parts.push(`config rejected with ${report.configErrors} error${report.configErrors === 1 ? '' : 's'}`);
  lines.push(report.inSync ? 'Everything is in sync.' : `${parts.join('; ')}.`);
  return lines.join('\n');
}
