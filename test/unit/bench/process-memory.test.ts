// bench:scale's memory line splits the deployer's anonymous pages into V8's committed heap and the rest
// (malloc, which keeps what it freed mid-heap resident, and thread stacks): where a change moves memory.
import { describe, expect, it } from 'vitest';
import { describeMemory, type ProcessMemory } from '../../../bench/support/process-memory.ts';

const MIB = 1024 * 1024;
const memory: ProcessMemory = {
  rssBytes: 133 * MIB,
  anonBytes: 80 * MIB,
  fileBytes: 53 * MIB,
  threads: 11,
  heapUsedBytes: 39 * MIB,
  heapTotalBytes: 56 * MIB,
  externalBytes: 4 * MIB,
};

describe('describeMemory', () => {
  it("names the anonymous pages outside V8's committed heap", () => {
    expect(describeMemory(memory)).toContain("anonymous outside V8's heap ~24.0 MiB");
  });

  it('says n/a when /metrics did not answer', () => {
    expect(describeMemory({ ...memory, heapTotalBytes: undefined })).toContain(
      "anonymous outside V8's heap ~n/a",
    );
  });
});
