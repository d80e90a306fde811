/**
 * Runs tasks one after another per key, different keys side by side. A check-then-write
 * (read the state, validate the change against it, save it) is only sound if no other
 * change of the same state runs between its read and its write; with one writer per tenant
 * (DESIGN.md), queueing a tenant's changes in this process is what makes them atomic.
 * A task's failure is its caller's; the next task runs all the same.
 */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous === undefined ? task() : previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The last task of a key takes its entry with it: idle keys hold no memory.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting. */
  get busyKeys(): number {
    return this.tails.size;
  }
}
