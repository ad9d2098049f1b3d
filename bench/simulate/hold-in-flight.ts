// Today's design: each notification is attempted on its own; a failing one is held in flight with
// ChangeMessageVisibility until its next backoff, for up to 7 days (shared/delivery/sqs-record-handler.ts).
import { decideRetry } from '../../shared/domain/retry-schedule.js';
import type { Message } from './sqs-queue.js';
import { accepted, attempt, deadLetter, delivered, sendClones, tallyOf, type Design, type RecordContext, type World } from './world.js';

export class HoldInFlight implements Design {
  private holds = 0;

  constructor(private readonly world: World) {}

  handle(message: Message, at: number, record: RecordContext): number {
    if (message.kind !== 'notification') return 0;
    const world = this.world;
    const tally = tallyOf(world, message);
    const reply = attempt(world, message, at);
    const doneAt = at + reply.seconds;
    if (accepted(reply)) {
      delivered(world, message, doneAt);
      return reply.seconds + sendClones(world, message);
    }
    // The failed attempt is recorded (one small item) and logged, as DeliveryService does.
    tally.writeUnits += 1;
    tally.logBytes += world.measured.logBytesPerNotification;
    // The receive count is the attempt number: every retry is a receive of the same message.
    const decision = decideRetry(message.receives, doneAt - message.ingestedAt, world.scenario.policy, world.random.next());
    if (decision.kind === 'give-up') {
      deadLetter(world, message, doneAt);
      return reply.seconds;
    }
    tally.sqsRequests += 1;
    this.holds += 1;
    record.hold(message, doneAt + decision.delaySeconds);
    return reply.seconds;
  }

  parked(): Iterable<Message> {
    return [];
  }

  details(): Record<string, number> {
    return { visibility_holds: this.holds };
  }
}
