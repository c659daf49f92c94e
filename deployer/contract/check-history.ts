// Checks a JSON answer against the history schema before the CLI treats it as a ServiceHistory (the
// same schema the server serializes with), so a wrong URL or another version says which field is off.
// The validator is compiled ahead from history-schema.ts (`npm run validators`).
import type { StatusCheck } from './check-status.ts';
import serviceHistory from './generated/service-history-validator.js';
import type { ServiceHistory } from './history-model.ts';

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
