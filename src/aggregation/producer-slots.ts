/**
 * Bounded concurrency per producer: at most `max` calls in flight to one logical address, the
 * rest wait in order. Shared by every record request of a process, so a burst of logins cannot
 * flood one regional EHR. A wait ends early when its signal aborts (the request's deadline).
 */

export class ProducerSlots {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, (() => void)[]>();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrentPerProducer must be a whole number of at least 1, not ${max}`);
  }

  inFlight(key: string): number {
    return this.active.get(key) ?? 0;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
  acquire(key: string, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const take = (): (() => void) => {
      this.active.set(key, this.inFlight(key) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.release(key);
      };
    };
    if (this.inFlight(key) < this.max) return Promise.resolve(take());
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      const onAbort = () => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.queues.get(key) === queue) this.queues.delete(key);
        reject(signal.reason);
      };
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(take());
      };
      queue.push(grant);
      this.queues.set(key, queue);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(key: string): void {
    const left = this.inFlight(key) - 1;
    if (left <= 0) this.active.delete(key);
    else this.active.set(key, left);
    const queue = this.queues.get(key);
    const next = queue?.shift();
    if (queue?.length === 0) this.queues.delete(key);
    next?.();
  }
}
