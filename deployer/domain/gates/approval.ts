// An approval or rejection is for one digest: a newer digest needs a new one. It is recorded as one
// tag on the revision the service runs (revision-tags.ts `approval`), `Approved <digest> by <name>`,
// so every replica and every restart reads it back from ECS.

export interface ApprovalRecord {
  verdict: 'Approved' | 'Rejected';
  digest: string;
  /** The API token name that gave it. */
  by: string;
}

const FORMAT = /^(Approved|Rejected) (sha256:[0-9a-f]{64})(?: by (.{1,64}))?$/;

export function approvalTagValue(record: ApprovalRecord): string {
  // ECS tag values: up to 256 characters of letters, digits, spaces and `_ . : / = + - @`.
  const by = record.by.replace(/[^A-Za-z0-9 _.:/=+\-@]/g, '_').slice(0, 64);
  return `${record.verdict} ${record.digest} by ${by || 'unknown'}`;
}

/** The record a tag value holds; undefined for an absent or unreadable one (read as no decision). */
export function readApproval(value: string | undefined): ApprovalRecord | undefined {
  const match = value === undefined ? null : FORMAT.exec(value);
  if (!match) return undefined;
  return {
    verdict: match[1] as ApprovalRecord['verdict'],
    digest: match[2] as string,
    by: match[3] ?? 'unknown',
  };
}
