// The baseline: the same four POSTs per notification (primary, then 3 clones at once) over undici, with no bookkeeping;
// and beside it the same over Node's own http agent, the client the sender uses, to tell the client's cost from the product's.
import { Agent as NodeAgent, request as nodeRequest } from 'node:http';
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

/** Node's keep-alive agent with the sender's options (40 connections per origin, 4 s idle, lifo). */
export function rawNodeAgent(): NodeAgent {
  return new NodeAgent({ keepAlive: true, maxSockets: 40, timeout: 4_000, scheduling: 'lifo' });
}

function postOverNode(agent: NodeAgent, request: RawRequest): Promise<number> {
  const { hostname, port } = new URL(request.origin);
  return new Promise((resolve, reject) => {
    const outgoing = nodeRequest({ agent, host: hostname, port, path: request.path, method: 'POST', headers: request.headers });
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.end(request.body);
  });
}

/** sendRaw over Node's http agent. */
export async function sendRawOverNode(agent: NodeAgent, notification: RawNotification): Promise<void> {
  const status = await postOverNode(agent, notification.primary);
  if (status !== 200) throw new Error(`node:http baseline primary answered ${status}`);
  await Promise.all(notification.clones.map((clone) => postOverNode(agent, clone)));
}
