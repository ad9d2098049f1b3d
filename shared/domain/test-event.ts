// The test event (an extension): a synthetic notification sent once to one destination, so its owner
// sees what the receiver answers. It says it is a test twice: its body's "type" and its webhook-id's prefix.
import { randomBytes } from 'node:crypto';
import { labelOf, type DestinationRef } from './destination.js';
import type { Notification } from './notification.js';

/** Receivers can tell a test event by its `webhook-id`: `test_` and 32 hex digits (real ones are the hex alone). */
export const TEST_EVENT_ID_PREFIX = 'test_';
/** The receiver's answer body is returned up to this many bytes (UTF-8). */
export const TEST_ANSWER_EXCERPT_BYTES = 1024;

/** The body: `{"object":"multi_webhook","type":"test","phone_number","webhook","sent_at"}`. */
export function testNotification(phoneNumber: string, destination: DestinationRef, now: number): Notification {
  const payload = JSON.stringify({
    object: 'multi_webhook',
    type: 'test',
    phone_number: phoneNumber,
    webhook: labelOf(destination),
    sent_at: new Date(now).toISOString(),
  });
  return { id: `${TEST_EVENT_ID_PREFIX}${randomBytes(16).toString('hex')}`, phoneNumber, payload, receivedAt: now };
}

export type TestAnswer = { status: number; latencyMs: number; body?: string } | { connectionError: string; latencyMs: number };

/** What the receiver did, for the caller: its status and the start of its body, or why there was no answer. */
export function testAnswerOf(
  outcome:
    | { kind: 'answered'; status: number; latencyMs: number; bodyExcerpt: string }
    | { kind: 'failed'; error: string; detail: string; latencyMs: number },
  timeoutMs: number,
): TestAnswer {
  const latencyMs = Math.round(outcome.latencyMs);
  if (outcome.kind === 'answered') {
    const body = excerpt(outcome.bodyExcerpt);
    return { status: outcome.status, latencyMs, ...(body && { body }) };
  }
  return { connectionError: sentenceFor(outcome.error, outcome.detail, timeoutMs), latencyMs };
}

function sentenceFor(error: string, detail: string, timeoutMs: number): string {
  switch (error) {
    case 'timeout':
      return `The receiver did not answer within ${timeoutMs} ms.`;
    case 'dns':
      return `The receiver's hostname did not resolve (${detail}).`;
    case 'refused-address':
      return "The receiver's hostname resolves to a non-public address, which deliveries never connect to.";
    default:
      return `The connection to the receiver failed (${detail}).`;
  }
}

/** At most TEST_ANSWER_EXCERPT_BYTES of UTF-8, never cutting a character. */
function excerpt(text: string): string {
  if (Buffer.byteLength(text) <= TEST_ANSWER_EXCERPT_BYTES) return text;
  let end = TEST_ANSWER_EXCERPT_BYTES;
  while (Buffer.byteLength(text.slice(0, end)) > TEST_ANSWER_EXCERPT_BYTES) end--;
  return text.slice(0, end);
}
