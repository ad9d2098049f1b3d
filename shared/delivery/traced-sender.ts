// Each delivery attempt as a trace subsegment of its own, with its outcome: never the URL, the
// headers or the body (they may carry tokens and people's messages).
import type { Tracing } from '../aws/tracing.js';
import type { HttpSender } from './http-sender.js';

export const ATTEMPT_SUBSEGMENT = '### delivery attempt';

export function tracedSender(sender: HttpSender, tracing: Tracing): HttpSender {
  return {
    send: (delivery) =>
      tracing.subsegment(
        ATTEMPT_SUBSEGMENT,
        () => sender.send(delivery),
        (outcome) => ({
          outcome: outcome.kind === 'answered' ? `HTTP ${outcome.status}` : outcome.error,
          latencyMs: Math.round(outcome.latencyMs),
        }),
      ),
    close: () => sender.close(),
  };
}
