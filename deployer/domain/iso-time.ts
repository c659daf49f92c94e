// Timestamps in the status are ISO-8601 UTC strings of one shape (Date#toISOString), so their
// character order is their time order: compared as strings, not with localeCompare, which would load
// an ICU collator (~3.5 MiB resident for the process's life) to sort what needs none.

/** Sort comparator: the later ISO-8601 UTC timestamp first. */
export function laterFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
