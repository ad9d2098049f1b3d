// The parked notifications of each destination, in the order they were received: what the DynamoDB
// items with a sort key of the receive time give the real design.
import type { Message } from './sqs-queue.js';

export class ParkStore {
  private readonly lists: Message[][];
  total = 0;
  peak = 0;

  constructor(destinations: number) {
    this.lists = Array.from({ length: destinations }, () => []);
  }

  /** Parks a notification; one that was received earlier goes before the ones received after it. */
  add(destination: number, message: Message): void {
    const list = this.lists[destination]!;
    let i = list.length;
    while (i > 0 && list[i - 1]!.ingestedAt > message.ingestedAt) i -= 1;
    list.splice(i, 0, message);
    this.total += 1;
    this.peak = Math.max(this.peak, this.total);
  }

  remove(destination: number, message: Message): void {
    const list = this.lists[destination]!;
    const index = list.indexOf(message);
    if (index < 0) throw new Error('unparked a notification that was not parked');
    list.splice(index, 1);
    this.total -= 1;
  }

  /** The oldest `count` parked notifications (one Query). */
  oldest(destination: number, count: number): Message[] {
    return this.lists[destination]!.slice(0, count);
  }

  /** Removes and returns the ones received `maxAgeSeconds` or more before `at`. */
  takeExpired(destination: number, at: number, maxAgeSeconds: number): Message[] {
    const list = this.lists[destination]!;
    let count = 0;
    while (count < list.length && at - list[count]!.ingestedAt >= maxAgeSeconds) count += 1;
    this.total -= count;
    return list.splice(0, count);
  }

  all(): Message[] {
    return this.lists.flat();
  }
}
