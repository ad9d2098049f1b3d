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
  private readonly timer: NodeJS.Timeout;
  private listeners: Array<() => void> = [];

  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.end(new DeadlinePassed(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
  }

  /** Calls `stop` when the send ends early (at once if it already has); the returned function forgets it. */
  onEnd(stop: () => void): () => void {
    if (this.reason) {
      stop();
      return () => undefined;
    }
    this.listeners.push(stop);
    return () => void (this.listeners = this.listeners.filter((listener) => listener !== stop));
  }

  end(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    const stops = this.listeners;
    this.clear();
    for (const stop of stops) stop();
  }

  /** The send is over: nothing is stopped any more. */
  clear(): void {
    clearTimeout(this.timer);
    this.listeners = [];
  }
}
