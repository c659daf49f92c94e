// Checks a JSON answer against the history schema before the CLI treats it as a ServiceHistory (the
// same schema the server serializes with), so a wrong URL or another version says which field is off.
import { Ajv } from 'ajv';
import type { StatusCheck } from './check-status.ts';
import type { ServiceHistory } from './history-model.ts';
import { serviceHistorySchema } from './history-schema.ts';

const serviceHistory = new Ajv({
  allErrors: false,
  strict: true,
  allowUnionTypes: true,
}).compile<ServiceHistory>(serviceHistorySchema);

export function checkServiceHistory(body: unknown): StatusCheck<ServiceHistory> {
  if (serviceHistory(body)) return { ok: true, value: body };
  const first = serviceHistory.errors?.[0];
  return {
    ok: false,
    problem: first
      ? `${first.instancePath || '(the answer)'} ${first.message ?? 'is not as expected'}`
      : 'not a history',
  };
}
