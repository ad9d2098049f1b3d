// Puts items of one table that come in the same turn of the event loop (a batch's records run in
// parallel) together, in BatchWriteItem calls of up to 25, instead of one PutItem each: the same
// write units, a fraction of the requests and round trips. A burst of copies parked at once (a
// breaker that just opened) then costs its neighbours on the table a few calls instead of hundreds.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem takes at most 25 puts, and no two on the same key. */
const MAX_BATCH = 25;
/** Unprocessed items (throttling) are sent again up to this many times in all, then the puts fail. */
const SEND_ATTEMPTS = 8;

/** An item of the single table: its key is `pk` and `sk`. */
export type KeyedItem = Record<string, unknown> & { pk: string; sk: string };

interface Waiting {
  item: KeyedItem;
  resolve(): void;
  reject(error: unknown): void;
}

/** A key's item as written, with whether its puts were settled. */
interface Written extends Waiting {
  settled: boolean;
}

export class TurnPutBatcher {
  private pending: Waiting[] | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Resolves once the item is written; items put in one turn are written in as few calls as the limits allow. */
  put(item: KeyedItem): Promise<void> {
    if (!this.pending) {
      this.pending = [];
      setImmediate(() => this.flush());
    }
    const queue = this.pending;
    return new Promise<void>((resolve, reject) => queue.push({ item, resolve, reject }));
  }

  private flush(): void {
    const waiting = this.pending ?? [];
    this.pending = undefined;
    for (const batch of batchesOf(waiting)) {
      this.write(batch).catch(() => {
        // DynamoDB refuses a whole batch for one bad item (one over 400 KB, say): each item left then
        // goes on its own, so that item fails alone and another number's entries in the batch are written.
        for (const entry of batch) if (!entry.settled) this.write([entry]).catch((error: unknown) => entry.reject(error));
      });
    }
  }

  /**
   * Writes the batch, settling each put as soon as DynamoDB took its item: one number's throttled
   * items, sent again with backoff, never hold another number's that were written at once.
   */
  private async write(batch: Written[]): Promise<void> {
    let left = batch;
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: left.map(({ item }) => ({ PutRequest: { Item: item } })) } }),
      );
      const unprocessed = new Set(
        (UnprocessedItems?.[this.tableName] ?? []).map((request) => itemKey(request.PutRequest!.Item as KeyedItem)),
      );
      const written = left;
      left = [];
      for (const entry of written) {
        if (unprocessed.has(itemKey(entry.item))) left.push(entry);
        else entry.resolve();
      }
      if (left.length === 0) return;
      if (attempt === SEND_ATTEMPTS) {
        const error = new Error(`${left.length} of ${batch.length} items still unprocessed after ${attempt} batch writes`);
        for (const entry of left) entry.reject(error);
        return;
      }
      await pauseBeforeResend(attempt);
    }
  }
}

/** An item's key as one string: no partition key holds a NUL, so the pair reads back one way only. */
const itemKey = (item: KeyedItem): string => `${item.pk}\u0000${item.sk}`;

/**
 * Batches of distinct keys: a key put twice in one turn (one notification kept for two of its
 * copies) is written once, with its last item, and every put of it waits for that write.
 */
function batchesOf(waiting: readonly Waiting[]): Written[][] {
  const byKey = new Map<string, Waiting[]>();
  for (const entry of waiting) {
    const key = itemKey(entry.item);
    const same = byKey.get(key);
    if (same) same.push(entry);
    else byKey.set(key, [entry]);
  }
  const batches: Written[][] = [];
  for (const same of byKey.values()) {
    const written = writtenOf(same);
    const current = batches.at(-1);
    if (current && current.length < MAX_BATCH) current.push(written);
    else batches.push([written]);
  }
  return batches;
}

/** One item to write (the last put of its key), settling every put of that key once. */
function writtenOf(same: readonly Waiting[]): Written {
  const written: Written = {
    item: same.at(-1)!.item,
    settled: false,
    resolve: () => {
      if (written.settled) return;
      written.settled = true;
      for (const entry of same) entry.resolve();
    },
    reject: (error: unknown) => {
      if (written.settled) return;
      written.settled = true;
      for (const entry of same) entry.reject(error);
    },
  };
  return written;
}

/** DynamoDB's advice for unprocessed items: back off exponentially, with jitter (up to 25 ms, 50 ms, ... 1.6 s). */
function pauseBeforeResend(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** (attempt - 1)));
}
