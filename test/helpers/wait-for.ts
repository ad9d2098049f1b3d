// Polls a condition until it holds, so tests await what they expect instead of sleeping.

export interface WaitForOptions {
  /** Give up after this long (default 10 s); a generous bound, never a timing assertion. */
  timeoutMs?: number;
  /** Time between attempts (default 25 ms). */
  intervalMs?: number;
}

/** What is left of T once `cond && value` has held. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Resolves with the condition's first truthy result. A condition that throws (an `expect`, say) is
 * tried again; on timeout the last error is rethrown, so the failure says what was still wrong.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await condition();
      if (result) return result as Truthy<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      if (lastError !== undefined) throw lastError;
      throw new Error(`The condition did not hold within ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
