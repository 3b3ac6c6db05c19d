/**
 * One circuit breaker per producer (logical address). After `failureThreshold` failures in a row
 * the circuit opens and calls to that producer are skipped at once, instead of each record
 * request waiting out its timeout. After `coolDownMs` it is half-open: one trial call goes
 * through; success closes it, failure opens it for another cool-down.
 *
 * Time comes from the injected clock only, so tests drive it without waiting.
 */

export type CircuitState = 'closed' | 'open' | 'halfOpen';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before a trial (ms). Default 30 000. */
  readonly coolDownMs?: number;
  /** Milliseconds on any monotonic scale. */
  readonly now: () => number;
}

export type Permit =
  | { readonly allowed: true; /** This call is the half-open trial; report its outcome. */ readonly trial: boolean }
  | { readonly allowed: false; /** Until the next trial may go (0: a trial is already under way). */ readonly retryInMs: number };

interface Circuit {
  failures: number;
  openedAt: number | undefined;
  trialInFlight: boolean;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOL_DOWN_MS = 30_000;

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.failureThreshold = Math.max(1, Math.floor(options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD));
    this.coolDownMs = Math.max(0, options.coolDownMs ?? DEFAULT_COOL_DOWN_MS);
    this.now = options.now;
  }

  state(key: string): CircuitState {
    const c = this.circuits.get(key);
    if (c?.openedAt === undefined) return 'closed';
    return this.now() - c.openedAt >= this.coolDownMs ? 'halfOpen' : 'open';
  }

  /** Asks to call the producer now. A denied call must not be made. */
  tryAcquire(key: string): Permit {
    const c = this.circuits.get(key);
    if (c?.openedAt === undefined) return { allowed: true, trial: false };
    const waited = this.now() - c.openedAt;
    if (waited < this.coolDownMs) return { allowed: false, retryInMs: this.coolDownMs - waited };
    // Half-open: one trial at a time, so a producer just back is not hit by the whole backlog.
    if (c.trialInFlight) return { allowed: false, retryInMs: 0 };
    c.trialInFlight = true;
    return { allowed: true, trial: true };
  }

  onSuccess(key: string): void {
    // Closed with no failures is the same as no entry; dropping it keeps the map small.
    this.circuits.delete(key);
  }

  onFailure(key: string): void {
    const c = this.circuits.get(key) ?? { failures: 0, openedAt: undefined, trialInFlight: false };
    c.failures++;
    if (c.openedAt !== undefined) {
      // A failed trial restarts the cool-down; a late failure of a call made before the circuit
      // opened does not prolong it.
      if (this.state(key) !== 'open') {
        c.openedAt = this.now();
        c.trialInFlight = false;
      }
    } else if (c.failures >= this.failureThreshold) {
      c.openedAt = this.now();
    }
    this.circuits.set(key, c);
  }

  /** A call ended without saying anything about the producer (our deadline cut it): frees the trial. */
  onAbandon(key: string, permit: Permit): void {
    const c = this.circuits.get(key);
    if (c && permit.allowed && permit.trial) c.trialInFlight = false;
  }
}
