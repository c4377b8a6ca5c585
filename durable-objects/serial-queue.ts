/**
 * Runs async tasks one after another, in the order they were queued, whatever each one's
 * outcome: a Durable Object's input gates let a second request in while the first awaits a
 * fetch, so "one operation at a time" is this queue's job. A failed task does not stop the ones
 * behind it; its caller gets its error.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(task, task);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
