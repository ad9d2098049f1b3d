// The quota pre-check: whether the account's Lambda concurrency holds what the stack reserves and asks for.

/** Lambda refuses a reservation that leaves fewer unreserved executions than this. */
export const LAMBDA_MIN_UNRESERVED = 100;

export interface AccountConcurrency {
  /** AccountLimit.ConcurrentExecutions: the account's quota in this region. */
  limit: number;
  /** AccountLimit.UnreservedConcurrentExecutions: what reservations leave today. */
  unreserved: number;
}

export interface StackConcurrency {
  deliveryMaxConcurrency: number;
  /** Undefined: ingest reserves nothing (ingestReservedConcurrency=off). */
  ingestReservedConcurrency?: number;
  /** What this stack already reserves for ingest (an update), counted back into the unreserved pool. */
  alreadyReserved: number;
}

export interface Finding {
  ok: boolean;
  line: string;
}

export function checkConcurrency(account: AccountConcurrency, stack: StackConcurrency): Finding[] {
  const reserve = stack.ingestReservedConcurrency ?? 0;
  const unreservedAfter = account.unreserved + stack.alreadyReserved - reserve;
  // Both queues feed delivery, each event source up to its maximum, from the unreserved pool.
  const deliveryPeak = 2 * stack.deliveryMaxConcurrency;
  const findings: Finding[] = [
    { ok: true, line: `Account: ${account.limit} concurrent executions, ${account.unreserved} unreserved today.` },
  ];
  if (unreservedAfter < LAMBDA_MIN_UNRESERVED) {
    const quota = account.limit - unreservedAfter + LAMBDA_MIN_UNRESERVED;
    findings.push({
      ok: false,
      line:
        `Reserving ${reserve} for ingest leaves ${unreservedAfter} unreserved, below Lambda's minimum of ${LAMBDA_MIN_UNRESERVED}: the deploy would fail. ` +
        `Raise the quota to at least ${quota} (Service Quotas > AWS Lambda > Concurrent executions), or set -c ingestReservedConcurrency to ` +
        `${Math.max(0, account.unreserved + stack.alreadyReserved - LAMBDA_MIN_UNRESERVED)} or less, or off.`,
    });
  } else {
    findings.push({
      ok: true,
      line: `Ingest reservation ${reserve === 0 ? 'off' : reserve} leaves ${unreservedAfter} unreserved (minimum ${LAMBDA_MIN_UNRESERVED}).`,
    });
  }
  if (deliveryPeak > unreservedAfter) {
    findings.push({
      ok: false,
      line:
        `Delivery may run 2 x deliveryMaxConcurrency = ${deliveryPeak} at once, more than the ${unreservedAfter} unreserved the account leaves it (shared with the API's functions): ` +
        `it would be throttled under load. Set -c deliveryMaxConcurrency=${Math.max(2, Math.floor(unreservedAfter / 2))} or less, or raise the quota to at least ${account.limit - unreservedAfter + deliveryPeak}.`,
    });
  } else {
    findings.push({
      ok: true,
      line: `Delivery's peak of ${deliveryPeak} (2 queues x ${stack.deliveryMaxConcurrency}) fits in ${unreservedAfter} unreserved.`,
    });
  }
  return findings;
}
