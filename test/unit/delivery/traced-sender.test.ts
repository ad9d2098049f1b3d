// Each delivery attempt is a trace subsegment of its own that names its outcome and nothing of the request.
import { describe, expect, it } from 'vitest';
import { createPowertoolsTracing } from '../../../shared/aws/powertools-tracing.js';
import type { Tracing } from '../../../shared/aws/tracing.js';
import type { Delivery, HttpSender, Outcome } from '../../../shared/delivery/http-sender.js';
import { ATTEMPT_SUBSEGMENT, tracedSender } from '../../../shared/delivery/traced-sender.js';

const delivery: Delivery = { url: 'https://hooks.example.com/t0ken', headers: { authorization: 'secret' }, body: '{"entry":[]}' };
const senderAnswering = (outcome: Outcome): HttpSender => ({ send: async () => outcome, close: async () => undefined });

/** A tracer that writes down each subsegment's name and annotations. */
function recordingTracing() {
  const subsegments: { name: string; annotations: Record<string, unknown> }[] = [];
  const tracing: Tracing = {
    captureClient: (client) => client,
    async subsegment(name, work, annotate) {
      const result = await work();
      subsegments.push({ name, annotations: annotate(result) });
      return result;
    },
  };
  return { tracing, subsegments };
}

describe('tracedSender', () => {
  it('puts each attempt in its own subsegment, annotated with its status and latency only', async () => {
    const { tracing, subsegments } = recordingTracing();
    const sender = tracedSender(senderAnswering({ kind: 'answered', status: 503, latencyMs: 41.7, bodyExcerpt: 'busy' }), tracing);

    await sender.send(delivery);
    await sender.send(delivery);

    expect(subsegments).toEqual([
      { name: ATTEMPT_SUBSEGMENT, annotations: { outcome: 'HTTP 503', latencyMs: 42 } },
      { name: ATTEMPT_SUBSEGMENT, annotations: { outcome: 'HTTP 503', latencyMs: 42 } },
    ]);
    expect(JSON.stringify(subsegments)).not.toMatch(/t0ken|secret|entry|busy/);
  });

  it('names a failed attempt by its kind of failure', async () => {
    const { tracing, subsegments } = recordingTracing();
    await tracedSender(senderAnswering({ kind: 'failed', error: 'timeout', detail: 'after 5000 ms', latencyMs: 5000 }), tracing).send(
      delivery,
    );
    expect(subsegments[0]!.annotations).toEqual({ outcome: 'timeout', latencyMs: 5000 });
  });
});

describe('Powertools tracing off the Lambda runtime', () => {
  it('leaves clients as they are and runs attempts untraced', async () => {
    const tracing = createPowertoolsTracing();
    const client = { middlewareStack: { add: () => undefined }, send: async () => 'sent' };
    expect(tracing.captureClient(client)).toBe(client);
    await expect(
      tracing.subsegment(
        'work',
        async () => 'result',
        () => ({}),
      ),
    ).resolves.toBe('result');
  });
});
