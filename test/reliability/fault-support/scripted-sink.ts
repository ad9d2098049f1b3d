// A loopback sink whose destinations answer from per-test scripts, remembering what each request was answered,
// and the delivery invariants every fault test checks against it.
import { expect } from 'vitest';
import { received } from '../../helpers/delivery-world.js';
import { startSink, type Responder, type Sink, type SinkReply, type SinkRequest } from '../../helpers/sink-server.js';

export interface ScriptedSink extends Sink {
  /** Replies for `/<phone>/<destination>`, used in arrival order; once used up the destination answers 200. */
  script(phoneNumber: string, destination: string, ...replies: Array<SinkReply | Responder>): void;
  /** Replaces a destination's answer for every later request (until replaced again). */
  answerAlways(phoneNumber: string, destination: string, reply: SinkReply | Responder | undefined): void;
  /** The status a request was answered with; 'hang' and 'reset' for those, undefined while deciding. */
  answerOf(request: SinkRequest): number | 'hang' | 'reset' | undefined;
}

export async function startScriptedSink(): Promise<ScriptedSink> {
  const scripts = new Map<string, Array<SinkReply | Responder>>();
  const always = new Map<string, SinkReply | Responder>();
  const answers = new WeakMap<SinkRequest, number | 'hang' | 'reset'>();
  const sink = await startSink();
  sink.replyByDefault(async (request) => {
    const next = scripts.get(request.path)?.shift() ?? always.get(request.path) ?? {};
    const reply = typeof next === 'function' ? await next(request) : next;
    answers.set(request, typeof reply === 'string' ? reply : (reply.status ?? 200));
    return reply;
  });
  const key = (phoneNumber: string, destination: string) => `/${phoneNumber}/${encodeURIComponent(destination)}`;
  return Object.assign(sink, {
    script: (phoneNumber: string, destination: string, ...replies: Array<SinkReply | Responder>) =>
      void scripts.set(key(phoneNumber, destination), replies),
    answerAlways: (phoneNumber: string, destination: string, reply: SinkReply | Responder | undefined) =>
      void (reply === undefined ? always.delete(key(phoneNumber, destination)) : always.set(key(phoneNumber, destination), reply)),
    answerOf: (request: SinkRequest) => answers.get(request),
  });
}

/** The copies of one destination that were answered 200: the ones that count as delivered. */
export function deliveredTo(sink: ScriptedSink, phoneNumber: string, destination: string): SinkRequest[] {
  return received(sink, phoneNumber, destination).filter((request) => sink.answerOf(request) === 200 && request.answeredAt !== undefined);
}

const webhookId = (request: SinkRequest): string => String(request.headers['webhook-id']);

/**
 * The gate, checked on what the sinks saw: every clone copy carries the webhook-id and body of a
 * primary copy that had already been answered exactly 200 when the clone copy arrived.
 */
export function expectNoCloneBeforePrimary200(sink: ScriptedSink, phoneNumber: string, clones: readonly string[]): void {
  const accepted = deliveredTo(sink, phoneNumber, 'primary');
  for (const clone of clones) {
    for (const copy of received(sink, phoneNumber, clone)) {
      const releasedBy = accepted.find((primary) => webhookId(primary) === webhookId(copy) && primary.answeredAt! <= copy.receivedAt);
      expect(releasedBy, `${clone} received ${webhookId(copy)} before the primary's 200`).toBeDefined();
      expect(copy.body.equals(releasedBy!.body)).toBe(true);
    }
  }
}

/** Every copy a destination received of one notification: the same webhook-id and the same bytes. */
export function expectOneNotification(copies: readonly SinkRequest[], body?: Buffer): void {
  expect(copies.length).toBeGreaterThan(0);
  expect(new Set(copies.map(webhookId)).size).toBe(1);
  const bytes = body ?? copies[0]!.body;
  for (const copy of copies) expect(copy.body.equals(bytes)).toBe(true);
}
