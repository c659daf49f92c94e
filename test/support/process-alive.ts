// Whether a process still exists: signal 0 checks without sending anything (kill(2)). Tests use it to
// prove that stopping a deployer or a world left no task process behind.
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
