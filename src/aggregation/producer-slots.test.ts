import { describe, expect, it } from 'vitest';
import { ProducerSlots } from './producer-slots.js';

describe('producer slots', () => {
  it('lets at most max calls per producer run, the rest in order as slots free', async () => {
    const slots = new ProducerSlots(2);
    const signal = new AbortController().signal;
    const a = await slots.acquire('p', signal);
    const b = await slots.acquire('p', signal);
    const order: string[] = [];
    const c = slots.acquire('p', signal).then((r) => (order.push('c'), r));
    const d = slots.acquire('p', signal).then((r) => (order.push('d'), r));
    // Another producer is not held up.
    (await slots.acquire('q', signal))();
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.inFlight('p')).toBe(2);
    a();
    a(); // releasing twice frees one slot only
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.inFlight('p')).toBe(0);
  });

  it('a wait ends with the signal\'s reason when it aborts, and leaves the queue', async () => {
    const slots = new ProducerSlots(1);
    const release = await slots.acquire('p', new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire('p', controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    release();
    expect(slots.inFlight('p')).toBe(0);
    (await slots.acquire('p', new AbortController().signal))();
  });

  it('refuses a nonsensical bound', () => {
    expect(() => new ProducerSlots(0)).toThrow(RangeError);
  });
});
