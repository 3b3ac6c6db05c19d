import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from './circuit-breaker.js';

describe('circuit breaker', () => {
  const setup = () => {
    let now = 1_000;
    const breakers = new CircuitBreakers({ failureThreshold: 3, coolDownMs: 10_000, now: () => now });
    return { breakers, advance: (ms: number) => (now += ms) };
  };

  it('stays closed below the threshold, and a success resets the count', () => {
    const { breakers } = setup();
    breakers.onFailure('a');
    breakers.onFailure('a');
    breakers.onSuccess('a');
    breakers.onFailure('a');
    breakers.onFailure('a');
    expect(breakers.state('a')).toBe('closed');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: true, trial: false });
  });

  it('opens after N consecutive failures and refuses until the cool-down has passed', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i++) breakers.onFailure('a');
    expect(breakers.state('a')).toBe('open');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: false, retryInMs: 10_000 });
    advance(9_999);
    expect(breakers.tryAcquire('a')).toEqual({ allowed: false, retryInMs: 1 });
    // Other producers are not affected.
    expect(breakers.tryAcquire('b')).toEqual({ allowed: true, trial: false });
  });

  it('half-open lets one trial through; success closes the circuit', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i++) breakers.onFailure('a');
    advance(10_000);
    expect(breakers.state('a')).toBe('halfOpen');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: true, trial: true });
    expect(breakers.tryAcquire('a')).toEqual({ allowed: false, retryInMs: 0 });
    breakers.onSuccess('a');
    expect(breakers.state('a')).toBe('closed');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: true, trial: false });
  });

  it('a failed trial opens the circuit for another full cool-down', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i++) breakers.onFailure('a');
    advance(10_000);
    expect(breakers.tryAcquire('a')).toMatchObject({ allowed: true, trial: true });
    breakers.onFailure('a');
    expect(breakers.state('a')).toBe('open');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: false, retryInMs: 10_000 });
  });

  it('a late failure of a call made before it opened does not prolong the cool-down', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i++) breakers.onFailure('a');
    advance(4_000);
    breakers.onFailure('a');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: false, retryInMs: 6_000 });
  });

  it('an abandoned trial (cut by our own deadline) frees the way for the next trial', () => {
    const { breakers, advance } = setup();
    for (let i = 0; i < 3; i++) breakers.onFailure('a');
    advance(10_000);
    const permit = breakers.tryAcquire('a');
    breakers.onAbandon('a', permit);
    expect(breakers.state('a')).toBe('halfOpen');
    expect(breakers.tryAcquire('a')).toEqual({ allowed: true, trial: true });
  });
});
