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
      this.write(batch.map(({ item }) => item)).then(
        () => batch.forEach(({ resolve }) => resolve()),
        // DynamoDB refuses a whole batch for one bad item (one over 400 KB, say): each item then goes
        // on its own, so that item fails alone and another number's entries in the batch are written.
        () => batch.forEach(({ item, resolve, reject }) => this.write([item]).then(resolve, reject)),
      );
    }
  }

  private async write(items: KeyedItem[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      const left = UnprocessedItems?.[this.tableName] ?? [];
      if (left.length === 0) return;
      if (attempt === SEND_ATTEMPTS)
        throw new Error(`${left.length} of ${items.length} items still unprocessed after ${attempt} batch writes`);
      requests = left as typeof requests;
      await pauseBeforeResend(attempt);
    }
  }
}

/**
 * Batches of distinct keys: a key put twice in one turn (one notification kept for two of its
 * copies) is written once, with its last item, and every put of it waits for that write.
 */
function batchesOf(waiting: readonly Waiting[]): Waiting[][] {
  const byKey = new Map<string, Waiting[]>();
  for (const entry of waiting) {
    const key = `${entry.item.pk}\u0000${entry.item.sk}`;
    const same = byKey.get(key);
    if (same) same.push(entry);
    else byKey.set(key, [entry]);
  }
  const batches: Waiting[][][] = [];
  for (const same of byKey.values()) {
    const current = batches.at(-1);
    if (current && current.length < MAX_BATCH) current.push(same);
    else batches.push([same]);
  }
  // Each batch writes one item per key (the last put of it) and settles every put of that key.
  return batches.map((batch) =>
    batch.map((same) => {
      const last = same.at(-1)!;
      return {
        item: last.item,
        resolve: () => same.forEach((entry) => entry.resolve()),
        reject: (error: unknown) => same.forEach((entry) => entry.reject(error)),
      };
    }),
  );
}

/** DynamoDB's advice for unprocessed items: back off exponentially, with jitter (up to 25 ms, 50 ms, ... 1.6 s). */
function pauseBeforeResend(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** (attempt - 1)));
}
