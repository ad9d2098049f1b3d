// Replays a logged notification (POST /deliveries/{id}/retry): the copies planReplay picks go out as
// retries-queue messages with the same id, signature and payload, each with a new retry window.
import type { DeliveryLog, DeliveryRecord, KeptNotification } from '../domain/delivery-log.js';
import { cloneRef, labelOf, targetOf } from '../domain/destination.js';
import { Conflict, NotFound } from '../domain/errors.js';
import type { RetriesMessage } from '../domain/notification.js';
import type { DeliveryQueue } from '../domain/queues.js';
import { planReplay } from '../domain/replay.js';
import type { WebhookStore } from '../domain/webhook.js';
import { logger, maskPhone } from '../logger.js';
import { retryMessageOf } from './copies.js';

export interface ReplayDependencies {
  log: DeliveryLog;
  webhooks: Pick<WebhookStore, 'readPhoneConfig'>;
  queue: Pick<DeliveryQueue, 'sendRetries'>;
  now(): number;
}

/** Which destinations a replay was queued for ("primary" or the clones' names). */
export async function replayNotification(deps: ReplayDependencies, phoneNumber: string, id: string): Promise<string[]> {
  const found = await deps.log.find(phoneNumber, id);
  if (!found || found.records.length === 0)
    throw new NotFound(
      `Notification ${id} is not in the delivery log: it was delivered at the first try, was never received for this number, or its record expired.`,
    );
  const config = await deps.webhooks.readPhoneConfig(phoneNumber);
  const plan = planReplay(id, found.records, (name) => targetOf(config, cloneRef(name)) !== undefined);
  if (plan.kind === 'primary' && !config.primary) throw new Conflict('No primary webhook is set: set one before retrying.');
  const records = plan.kind === 'primary' ? [plan.record] : plan.records;
  const now = deps.now();
  if (!(await deps.log.markReplayed(records, now)))
    throw new Conflict(`Notification ${id} changed while its retry was being queued: read GET /deliveries and try again.`);
  try {
    await deps.queue.sendRetries(
      records.map((record) => messageOf(found.notification, record, now)),
      0,
    );
  } catch (error) {
    await deps.log.clearReplayed(records).catch(() => undefined);
    throw error;
  }
  const destinations = records.map((record) => labelOf(record.destination));
  logger.info('Delivery retry queued', { phone: maskPhone(phoneNumber), notificationId: id, destinations });
  return destinations;
}

function messageOf(kept: KeptNotification, record: DeliveryRecord, now: number): RetriesMessage {
  const { id, phoneNumber, receivedAt, signature, payload, payloadRef } = kept;
  return retryMessageOf({
    notification: { id, phoneNumber, receivedAt, payload: payload ?? '', ...(signature && { signature }) },
    ...(payloadRef && { payloadRef }),
    destination: record.destination,
    // Above 1 even for a copy parked before its first attempt: a replayed copy's 200 closes its record.
    attempt: Math.max(2, record.attempts + 1),
    // A new window: a dead copy gets the whole retry schedule again.
    windowStart: now,
  });
}
