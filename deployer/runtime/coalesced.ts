// Runs async work at most once at a time: calls during a run ask for exactly one more run after it.
export function coalesced(work: () => Promise<void>, stopped: () => boolean): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void work().finally(() => {
      running = false;
      if (again && !stopped()) {
        again = false;
        run();
      }
    });
  };
  return run;
}
