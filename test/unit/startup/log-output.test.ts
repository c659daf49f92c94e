import { describe, expect, it } from 'vitest';
import { logFormatFromEnv } from '../../../common/log-output.ts';

describe('logFormatFromEnv', () => {
  it.each([
    [{}, 'local', 'pretty'],
    [{}, 'aws', 'json'],
    [{ LOG_FORMAT: '' }, 'local', 'pretty'],
    [{ LOG_FORMAT: 'json' }, 'local', 'json'],
    [{ LOG_FORMAT: ' JSON ' }, 'local', 'json'],
    [{ LOG_FORMAT: 'pretty' }, 'aws', 'pretty'],
  ] as const)('logFormatFromEnv(%j, %s) is %s', (env, mode, format) => {
    expect(logFormatFromEnv(env, mode)).toBe(format);
  });

  it('refuses anything else, naming the variable and the choices', () => {
    expect(() => logFormatFromEnv({ LOG_FORMAT: 'xml' }, 'aws')).toThrow(
      'LOG_FORMAT="xml" must be json or pretty',
    );
  });
});
