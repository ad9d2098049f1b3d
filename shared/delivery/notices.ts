// Sends operational notices to a number's primary: once, with the primary's headers, the delivery
// marker and its signature when it signs; never cloned, never retried, never counted by a breaker.
// A notice that cannot be sent is logged and forgotten: it must never hold up or fail a delivery.
import { labelOf, PRIMARY, type DestinationRef } from '../domain/destination.js';
import type { DestinationHealth } from '../domain/destination-health.js';
import { noticeOf, takesNotices, type NoticeEvent } from '../domain/notices.js';
import { keyOf } from '../domain/destination.js';
import { logger, maskPhone } from '../logger.js';
import type { SigningSecrets } from '../signing/signing-secrets.js';
import type { ConfigReader } from './config-cache.js';
import { attemptHeaders } from './destination-attempts.js';
import type { HttpSender } from './http-sender.js';

export interface NoticeDependencies {
  readConfig: ConfigReader;
  sender: HttpSender;
  signing: SigningSecrets;
  now(): number;
}

export class OperationalNotices {
  constructor(private readonly deps: NoticeDependencies) {}

  /** A clone's breaker opened (the primary's own is never reported: the notice would go to it). */
  async breakerOpened(phoneNumber: string, destination: DestinationRef, health: DestinationHealth): Promise<void> {
    if (destination.role === 'primary') return;
    await this.send(phoneNumber, { type: 'breaker.opened', webhook: labelOf(destination), health });
  }

  /** A copy was dead-lettered: a clone's, or the primary's own once the primary is back (see takesNotices). */
  async deadLettered(phoneNumber: string, destination: DestinationRef, notificationId: string, reason: string): Promise<void> {
    await this.send(phoneNumber, { type: 'notification.dead_lettered', webhook: labelOf(destination), notificationId, reason });
  }

  private async send(phoneNumber: string, event: NoticeEvent): Promise<void> {
    try {
      const config = await this.deps.readConfig(phoneNumber);
      const primary = config.primary;
      if (!primary || !takesNotices(primary.notices === true, config.health?.[keyOf(PRIMARY)])) return;
      const notice = noticeOf(phoneNumber, event, this.deps.now());
      const headers = await attemptHeaders(this.deps, PRIMARY, primary, notice);
      const outcome = await this.deps.sender.send({ url: primary.url, headers, body: notice.payload });
      logger.info('Operational notice sent', {
        phone: maskPhone(phoneNumber),
        type: event.type,
        webhook: event.webhook,
        ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcome.error }),
      });
    } catch (error) {
      logger.warn('Operational notice not sent', {
        phone: maskPhone(phoneNumber),
        type: event.type,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
