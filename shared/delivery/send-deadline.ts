// One send's deadline: the timer that ends it, and what else must stop with it (a DNS query, a connect, the request).

export class DeadlinePassed extends Error {}

/**
 * Ends a send once: when its time is up, or earlier when the sender closes. The parts of the send
 * (its request, and the resolution and connect that a new connection starts on its behalf) register
 * what to stop. Plain callbacks rather than an AbortSignal: an AbortController with EventTarget
 * listeners on every send cost ~15% more CPU per send (docs/performance.md).
 */
export class SendDeadline {
  /** Why the send ended early; undefined while it runs. */
  reason: Error | undefined;
  // Nearly every send registers one stop (its request): a field, no array.
  private stop: (() => void) | undefined;
  private more: Array<() => void> | undefined;

  constructor(
    private readonly clock: SendDeadlines,
    /** performance.now() when its time is up. */
    readonly expiresAt: number,
  ) {}

  /** Calls `stop` when the send ends early (at once if it already has); `forget` takes it back. */
  onEnd(stop: () => void): void {
    if (this.reason) return stop();
    if (this.stop === undefined) this.stop = stop;
    else (this.more ??= []).push(stop);
  }

  /** Forgets a `stop` given to onEnd: what it would stop is over. */
  forget(stop: () => void): void {
    if (this.stop === stop) this.stop = undefined;
    else if (this.more) this.more = this.more.filter((listener) => listener !== stop);
  }

  end(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    const { stop, more } = this;
    this.clear();
    stop?.();
    if (more) for (const listener of more) listener();
  }

  /** The send is over: nothing is stopped any more. */
  clear(): void {
    this.stop = undefined;
    this.more = undefined;
    this.clock.release(this);
  }
}

/**
 * The deadlines of one sender's sends in flight, behind one timer. Every send gets the same time, so
 * the order they start in is the order their time is up: the timer waits for the oldest only. A
 * timer per send (set, then cleared on nearly every send) was a measurable share of a send's CPU.
 */
export class SendDeadlines {
  /** In the order the sends started (a Set iterates in insertion order), so the oldest first. */
  private readonly running = new Set<SendDeadline>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** A deadline `timeoutMs` from `startedAt` (performance.now()). */
  start(startedAt: number): SendDeadline {
    const deadline = new SendDeadline(this, startedAt + this.timeoutMs);
    this.running.add(deadline);
    this.timer ??= setTimeout(this.expire, this.timeoutMs);
    return deadline;
  }

  /** Ends every send still running (the sender closes). */
  endAll(reason: Error): void {
    for (const deadline of this.running) deadline.end(reason);
  }

  release(deadline: SendDeadline): void {
    if (!this.running.delete(deadline) || this.running.size > 0 || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    for (const deadline of this.running) {
      // The timer's clock counts whole milliseconds: within one of its time counts as up.
      if (deadline.expiresAt > now + 1) {
        this.timer = setTimeout(this.expire, Math.ceil(deadline.expiresAt - now));
        return;
      }
      // Ending it releases it: deleting the current entry of a Set while iterating it is safe.
      deadline.end(new DeadlinePassed(`no complete answer within ${this.timeoutMs} ms`));
    }
  };
}
