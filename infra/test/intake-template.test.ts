// infra/generated/intake.json is what the local world builds its queue and EventBridge stand-in from;
// it must be the synthesized template's intake settings exactly (regenerate with `npm run synth`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueAttributes } from '../../local/sqs.ts';
import { extractIntakeTemplate, INTAKE_TEMPLATE_FILE } from '../lib/intake-template.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

let synthesized: ReturnType<typeof extractIntakeTemplate>;

beforeAll(() => {
  const { stack, template } = synthApp();
  synthesized = extractIntakeTemplate(stack, stack.intake, template.toJSON() as never);
}, SYNTH_TIMEOUT_MS);

describe('infra/generated/intake.json', () => {
  it('equals the intake settings of the synthesized template (run `npm run synth` when this fails)', () => {
    const committed = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../..', INTAKE_TEMPLATE_FILE), 'utf8'),
    );
    expect(committed).toEqual(synthesized);
  });

  it('gives the local queue content-based deduplication, as EventBridge FIFO targets require', () => {
    expect(queueAttributes(synthesized.queue)).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '60',
    });
    expect(synthesized.rule.sqsParameters).toEqual({ MessageGroupId: 'intake' });
  });
});
