// How many files `npm test` runs at once: from the cores other work keeps busy at the start, never
// from the load average a CI run's own lint and typecheck leave behind.
import { describe, expect, it } from 'vitest';
import { coresBusyElsewhere, filesAtATime, processFilesSetting } from '../../support/files-at-a-time.ts';

describe('files at a time', () => {
  it('runs 4 process files and one unit file per core on idle cores, whatever the load average says', () => {
    // A CI run after typecheck: load average 4.4, but the cores are idle by the time vitest starts.
    expect(filesAtATime(2, 0.1)).toEqual({ unit: 2, process: 4 });
    expect(filesAtATime(2, 1.5)).toEqual({ unit: 2, process: 4 });
    expect(filesAtATime(8, 2)).toEqual({ unit: 8, process: 4 });
  });

  it('halves the counts when other work already fills every core, never down to one process file on 2 cores', () => {
    expect(filesAtATime(2, 1.9)).toEqual({ unit: 1, process: 2 });
    expect(filesAtATime(2, 2)).toEqual({ unit: 1, process: 2 });
    expect(filesAtATime(1, 1)).toEqual({ unit: 1, process: 1 });
  });

  it("counts only other processes' CPU: the run's own start-up is not other work", () => {
    // 1.5 s of busy CPU over 1 s on the machine, 1 s of it this process: half a core elsewhere.
    expect(coresBusyElsewhere(1500, 1000, 1000)).toBe(0.5);
    expect(coresBusyElsewhere(900, 1000, 1000)).toBe(0);
    expect(coresBusyElsewhere(100, 0, 0)).toBe(0);
  });

  it("takes the process layers' count from TEST_PROCESS_FILES when set, keeping the unit count", () => {
    expect(filesAtATime(2, 0.1, 6)).toEqual({ unit: 2, process: 6 });
    expect(filesAtATime(2, 2, 5)).toEqual({ unit: 1, process: 5 });
    expect(processFilesSetting(undefined)).toBeUndefined();
    expect(processFilesSetting('')).toBeUndefined();
    expect(processFilesSetting('6')).toBe(6);
    for (const wrong of ['0', '-1', '2.5', 'six'])
      expect(() => processFilesSetting(wrong)).toThrow(/TEST_PROCESS_FILES/);
  });
});
