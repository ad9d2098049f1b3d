// `multi-webhook dlq list|redrive`: the dead-lettered notifications, and moving them back for delivery.
//
// Not SQS's StartMessageMoveTask: it moves a whole queue, with no filter by number or time, and sends
// the bodies back unchanged, so a primary's copy would be given up again after one attempt (its retry
// window counts from the original receive). The redrive here rewrites each message (see shared/queue/redrive.ts).
import { maskPhone } from '../shared/logger.js';
import { SqsDeadLetters, type DeadLetter } from '../shared/queue/dead-letters.js';
import { readDeadLetter, type DeadLetterContent } from '../shared/queue/redrive.js';
import { createServices } from '../shared/services.js';
import type { Command, DeadLetterFilter } from './arguments.js';
import { queueUrlsOf, type Target } from './target.js';

type DlqCommand = Extract<Command, { command: `dlq ${string}` }>;

export interface ReadLetter extends DeadLetter, DeadLetterContent {}

/** Whether a dead letter passes `--phone` and `--since`. */
export function matches(letter: Pick<ReadLetter, 'phoneNumber' | 'deadLetteredAt'>, filter: DeadLetterFilter): boolean {
  if (filter.phoneNumber !== undefined && letter.phoneNumber !== filter.phoneNumber) return false;
  return filter.since === undefined || letter.deadLetteredAt >= filter.since;
}

/** "3d4h", "2h13m", "5m", "40s": how long a message has been dead. */
export function formatAge(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const [d, h, m] = [Math.floor(seconds / 86_400), Math.floor((seconds % 86_400) / 3600), Math.floor((seconds % 3600) / 60)];
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  return m > 0 ? `${m}m` : `${seconds}s`;
}

/** One line of `dlq list`, tab-separated: queue, number, notification id, destination, age, reason. */
export function listLine(letter: ReadLetter, now: number, full: boolean): string {
  const phone = letter.phoneNumber === undefined ? '-' : full ? letter.phoneNumber : maskPhone(letter.phoneNumber);
  const reason = letter.problem ? `${letter.reason}; cannot be redriven: ${letter.problem}` : letter.reason;
  return [
    letter.source,
    phone,
    letter.notificationId ?? '-',
    letter.destination ?? '-',
    formatAge(now - letter.deadLetteredAt),
    reason,
  ].join('\t');
}

export function listJson(letter: ReadLetter, now: number, full: boolean): string {
  return JSON.stringify({
    queue: letter.source,
    phoneNumber: letter.phoneNumber === undefined ? null : full ? letter.phoneNumber : maskPhone(letter.phoneNumber),
    notificationId: letter.notificationId ?? null,
    destination: letter.destination ?? null,
    deadLetteredAt: new Date(letter.deadLetteredAt).toISOString(),
    ageSeconds: Math.max(0, Math.round((now - letter.deadLetteredAt) / 1000)),
    reason: letter.reason,
    redrivable: letter.redriveBody !== undefined,
    ...(letter.problem && { problem: letter.problem }),
    messageId: letter.messageId,
  });
}

export async function runDlq(command: DlqCommand, target: Target, now: () => number = Date.now): Promise<number> {
  const services = createServices(target.config);
  const deadLetters = new SqsDeadLetters(services.clients.sqs, queueUrlsOf(target));
  const tally = { seen: 0, matched: 0, moved: 0, unredrivable: 0, failed: 0 };
  try {
    for (const source of command.filter.queues) {
      const held: DeadLetter[] = [];
      try {
        for await (const batch of deadLetters.scan(source, { holdSeconds: command.holdSeconds, limit: command.limit - tally.seen })) {
          tally.seen += batch.length;
          for (const raw of batch) {
            const letter: ReadLetter = { ...raw, ...readDeadLetter(source, raw.body, raw.messageId, now()) };
            if (!matches(letter, command.filter)) {
              held.push(raw);
              continue;
            }
            tally.matched++;
            if (command.command === 'dlq list') {
              held.push(raw);
              process.stdout.write(`${command.json ? listJson(letter, now(), command.full) : listLine(letter, now(), command.full)}\n`);
            } else {
              await redriveOne(deadLetters, letter, command.dryRun, tally, held);
            }
          }
        }
      } finally {
        await deadLetters.release(held);
      }
    }
  } finally {
    await services.close();
  }
  process.stderr.write(`${summary(command, tally)}\n`);
  return tally.failed > 0 ? 1 : 0;
}

async function redriveOne(
  deadLetters: SqsDeadLetters,
  letter: ReadLetter,
  dryRun: boolean,
  tally: { moved: number; unredrivable: number; failed: number },
  held: DeadLetter[],
): Promise<void> {
  const label = `${letter.source}\t${letter.phoneNumber ? maskPhone(letter.phoneNumber) : '-'}\t${letter.notificationId ?? '-'}\t${letter.destination ?? '-'}`;
  if (letter.redriveBody === undefined) {
    tally.unredrivable++;
    held.push(letter);
    process.stdout.write(`kept\t${label}\tcannot be redriven: ${letter.problem}\n`);
    return;
  }
  if (dryRun) {
    held.push(letter);
    tally.moved++;
    process.stdout.write(`would move\t${label}\n`);
    return;
  }
  try {
    await deadLetters.moveBack(letter, letter.redriveBody, letter.phoneNumber);
    tally.moved++;
    process.stdout.write(`moved\t${label}\n`);
  } catch (error) {
    // Not sent, or sent and not deleted: either way it stays (a duplicate at worst, which webhook-id lets receivers drop).
    tally.failed++;
    held.push(letter);
    process.stdout.write(`failed\t${label}\t${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function summary(
  command: DlqCommand,
  tally: { seen: number; matched: number; moved: number; unredrivable: number; failed: number },
): string {
  const scope = `${tally.matched} of ${tally.seen} dead-lettered message(s) matched`;
  if (command.command === 'dlq list') return `${scope}; nothing was changed.`;
  const verb = command.dryRun ? 'would be moved back' : 'moved back to their source queue';
  const kept = tally.unredrivable > 0 ? `; ${tally.unredrivable} cannot be redriven and stay` : '';
  const failed = tally.failed > 0 ? `; ${tally.failed} failed and stay in the dead-letter queue` : '';
  return `${scope}: ${tally.moved} ${verb}${kept}${failed}.${command.dryRun ? ' Dry run: nothing was changed.' : ''}`;
}
