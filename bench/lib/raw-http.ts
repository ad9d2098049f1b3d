// The baseline: the same four POSTs per notification (primary, then 3 clones at once) over undici, with no bookkeeping.
import { Agent } from 'undici';
import { deliveryHeaders } from '../../shared/domain/fan-out.js';
import type { PhoneConfig } from '../../shared/domain/webhook.js';
import type { QueuedNotification } from './sqs-events.js';

interface RawRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Primary then clones, byte for byte the requests delivery makes, prepared before the clock starts. */
export interface RawNotification {
  primary: RawRequest;
  clones: RawRequest[];
}

export function rawNotification(notification: QueuedNotification, config: PhoneConfig): RawNotification {
  const { message } = notification;
  const asDelivered = {
    id: message.id,
    phoneNumber: message.phoneNumber,
    payload: message.payload,
    signature: message.signature,
    receivedAt: message.receivedAt!,
  };
  const toRequest = (target: { url: string; headers: Record<string, string> }): RawRequest => {
    const url = new URL(target.url);
    return { origin: url.origin, path: url.pathname, headers: deliveryHeaders(target, asDelivered, Date.now()), body: message.payload };
  };
  return { primary: toRequest(config.primary!), clones: config.destinations.map(toRequest) };
}

/** An agent sized like the sender's (40 connections per origin, keep-alive, no pipelining). */
export function rawAgent(): Agent {
  return new Agent({ connections: 40, pipelining: 1, keepAliveTimeout: 4_000 });
}

async function post(agent: Agent, request: RawRequest): Promise<number> {
  const response = await agent.request({ ...request, method: 'POST' });
  await response.body.dump();
  return response.statusCode;
}

/** One notification as the baseline sends it: the clones only after the primary's answer. */
export async function sendRaw(agent: Agent, notification: RawNotification): Promise<void> {
  const status = await post(agent, notification.primary);
  if (status !== 200) throw new Error(`baseline primary answered ${status}`);
  await Promise.all(notification.clones.map((clone) => post(agent, clone)));
}
