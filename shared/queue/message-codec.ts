// The one wire format of queue messages: ingest and producers write it, the record handler reads it,
// clone retries write it again.
import type * as z from 'zod/mini';
import { commonNotificationMessage, NotificationMessage, RetriesMessage } from '../domain/notification.js';
import type { QueueSource } from '../domain/queues.js';

export type { QueueSource };

export type QueueMessage = NotificationMessage | RetriesMessage;

export type Decoded<T> = { success: true; message: T } | { success: false; problem: string };

/**
 * JSON with every character outside the Basic Multilingual Plane (emoji) and U+FFFE/U+FFFF written
 * as \u escapes. SQS refuses U+FFFE and U+FFFF, and the local emulator refuses everything above
 * U+FFFF; the escapes parse back to the same string, so the payload is unchanged byte for byte.
 */
export function encodeMessage(message: QueueMessage): string {
  return JSON.stringify(message).replace(/[\uD800-\uDFFF\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

export function decodeMessage(source: 'notifications', body: string): Decoded<NotificationMessage>;
export function decodeMessage(source: 'retries', body: string): Decoded<RetriesMessage>;
export function decodeMessage(source: QueueSource, body: string): Decoded<QueueMessage>;
export function decodeMessage(source: QueueSource, body: string): Decoded<QueueMessage> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { success: false, problem: 'body is not JSON' };
  }
  // Other producers write to this queue too: what the hand check does not take, the schema decides.
  const common = source === 'notifications' ? commonNotificationMessage(json) : undefined;
  if (common) return { success: true, message: common };
  const schema: z.ZodMiniType<QueueMessage> = source === 'retries' ? RetriesMessage : NotificationMessage;
  const result = schema.safeParse(json);
  if (result.success) return { success: true, message: result.data };
  const issue = result.error.issues[0]!;
  return { success: false, problem: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}
