// Local processes (the deployer under `npm start`, `npm run local`, the task processes of the ECS
// stand-in) must not outlive whatever started them. A signal passed on stops them in order; this
// catches the rest: a parent killed with SIGKILL or crashed passes nothing on, and Linux gives
// the orphan a new parent (init or a subreaper), so a changed process.ppid means the parent is gone.

/** Calls `onParentGone` once when this process's parent exits; returns a function that stops watching. */
export function watchParent(onParentGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onParentGone();
  }, intervalMs);
  // Never the reason the process stays alive.
  timer.unref();
  return () => clearInterval(timer);
}
