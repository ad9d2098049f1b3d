// The delivery log on DynamoDB: partition deliveries#<number>, one record per notification and
// destination keyed by receive time (newest first is a reverse Query, a time range a key range), and
// one item per notification keyed by its id (replay finds it without reading the rest). Every item
// expires by TTL after the longest life a notification can have.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyOf, labelOf, refOf, type DestinationRef } from '../domain/destination.js';
import {
  standingAt,
  type DeliveryLog,
  type DeliveryOutcome,
  type DeliveryPage,
  type DeliveryQuery,
  type DeliveryRecord,
  type KeptNotification,
} from '../domain/delivery-log.js';
import { QUEUE_RETENTION_SECONDS } from '../queue/queue-definitions.js';
import { filterOf, readCursor, writeCursor } from './delivery-log-pages.js';
import {
  deliveriesPartition,
  deliveryNotificationPrefix,
  deliveryNotificationSortKey,
  deliveryRecordSortKey,
  deliveryTimeKey,
} from './item-keys.js';
import { notificationOfStored, storedNotification } from './stored-payload.js';
import { tableDefinition } from './table-definition.js';
import { TurnPutBatcher, type KeyedItem } from './turn-put-batcher.js';

const DAY_SECONDS = 24 * 60 * 60;
/** A filtered list reads at most this many pages per request, then hands the client a cursor. */
const MAX_PAGES_PER_LIST = 10;
/** The highest receive time a key can hold (15 digits). */
const LATEST = 999_999_999_999_999;

/**
 * How long the log keeps a notification, from its receive time: the primary's retry window, then a
 * clone's own window (it starts at the clone's first failure), then the dead-letter queue's
 * retention, and two days to spare. 30 days with the defaults (7 + 7 + 14 + 2).
 */
export function deliveryRetentionSeconds(retryMaxAgeSeconds: number): number {
  return 2 * retryMaxAgeSeconds + QUEUE_RETENTION_SECONDS + 2 * DAY_SECONDS;
}

/** The record fields an outcome writes; the rest of the item is its key, its TTL and what replay marks. */
const OUTCOME_FIELDS = [
  'status',
  'attempts',
  'lastStatus',
  'lastError',
  'lastLatencyMs',
  'nextAttemptAt',
  'responseExcerpt',
  'giveUpAt',
] as const;
/** The last answer: replaced together by an outcome that had one, kept by one that had none (a copy parked or dead-lettered unattempted). */
const ANSWER_FIELDS: readonly string[] = ['lastStatus', 'lastError', 'lastLatencyMs', 'responseExcerpt'];

export class DynamoDeliveryLog implements DeliveryLog {
  private readonly firstEntries: TurnPutBatcher;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
    /** Records are read as they stand now (standingAt). */
    private readonly now: () => number = Date.now,
  ) {
    this.firstEntries = new TurnPutBatcher(db, tableName);
  }

  async record(outcome: DeliveryOutcome, notification?: KeptNotification): Promise<void> {
    const { phoneNumber, notificationId, receivedAt, destination } = outcome;
    const answered = ANSWER_FIELDS.some((field) => outcome[field as keyof DeliveryOutcome] !== undefined);
    const fields: Record<string, unknown> = {
      ...Object.fromEntries(
        OUTCOME_FIELDS.filter((field) => answered || !ANSWER_FIELDS.includes(field)).map((field) => [field, outcome[field]]),
      ),
      ...this.identity(phoneNumber, notificationId, receivedAt, destination),
      updatedAt: outcome.at,
    };
    const key = { pk: deliveriesPartition(phoneNumber), sk: deliveryRecordSortKey(receivedAt, notificationId, keyOf(destination)) };
    if (notification) {
      // A copy's first entry: its record is new, so it is put whole, beside the notification kept for
      // a replay, in one batch write with the other first entries of this turn. The notification is
      // written with its record; a record that can be seen can be replayed (only a re-sent unprocessed
      // item, under throttling, leaves the record visible first for a moment).
      const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      await Promise.all([
        this.firstEntries.put(keptNotificationItem(notification, this.expiresAt(receivedAt))),
        this.firstEntries.put({ ...key, ...present }),
      ]);
      return;
    }
    const set: string[] = [];
    const remove = ['replayPending'];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      if (value === undefined) remove.push(`#${name}`);
      else {
        values[`:${name}`] = value;
        set.push(`#${name} = :${name}`);
      }
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async list(phoneNumber: string, query: DeliveryQuery): Promise<DeliveryPage> {
    const low = deliveryTimeKey(query.from ?? 0);
    // '~' sorts after '#': every record of the last millisecond is inside the range.
    const high = `${deliveryTimeKey(query.to ?? LATEST).slice(0, -1)}~`;
    let startAfter = query.cursor === undefined ? undefined : readCursor(query.cursor, phoneNumber, low, high);
    const filter = filterOf(query, this.now());
    const records: DeliveryRecord[] = [];
    for (let page = 0; page < MAX_PAGES_PER_LIST; page++) {
      const { Items = [], LastEvaluatedKey } = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
          ExpressionAttributeValues: { ':pk': deliveriesPartition(phoneNumber), ':low': low, ':high': high, ...filter?.values },
          ScanIndexForward: false,
          Limit: query.limit,
          ...(startAfter !== undefined && { ExclusiveStartKey: { pk: deliveriesPartition(phoneNumber), sk: startAfter } }),
        }),
      );
      for (const item of Items) {
        records.push(this.recordOf(item));
        // Full: the next page starts after the last record given, wherever in this page it was.
        if (records.length === query.limit) {
          const more = LastEvaluatedKey !== undefined || item !== Items.at(-1);
          return { records, ...(more && { cursor: writeCursor(phoneNumber, item.sk as string) }) };
        }
      }
      if (LastEvaluatedKey === undefined) return { records };
      startAfter = LastEvaluatedKey.sk as string;
    }
    return { records, cursor: writeCursor(phoneNumber, startAfter!) };
  }

  async find(phoneNumber: string, id: string) {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: deliveriesPartition(phoneNumber), sk: deliveryNotificationSortKey(id) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const notification: KeptNotification = { phoneNumber, id, ...notificationOfStored(Item) };
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': deliveriesPartition(phoneNumber),
          ':prefix': deliveryNotificationPrefix(notification.receivedAt, id),
        },
        ConsistentRead: true,
      }),
    );
    // An id that is another's prefix ("a" and "a#b") shares the key prefix: keep this id's own.
    const records = Items.map((item) => this.recordOf(item)).filter((record) => record.notificationId === id);
    return { notification, records };
  }

  async markReplayed(records: readonly DeliveryRecord[], now: number): Promise<boolean> {
    const marked: DeliveryRecord[] = [];
    try {
      for (const record of records) {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.keyOf(record),
            UpdateExpression: 'SET #status = :retrying, nextAttemptAt = :now, replayPending = :true',
            // Unchanged since it was read, and no replay of it already queued.
            ConditionExpression: 'updatedAt = :updatedAt AND attribute_not_exists(replayPending)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':retrying': 'retrying', ':now': now, ':true': true, ':updatedAt': record.updatedAt },
          }),
        );
        marked.push(record);
      }
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.clearReplayed(marked);
      return false;
    }
  }

  async clearReplayed(records: readonly DeliveryRecord[]): Promise<void> {
    await Promise.all(
      records.map((record) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.keyOf(record),
            UpdateExpression: 'SET #status = :status REMOVE replayPending, nextAttemptAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': record.status },
          }),
        ),
      ),
    );
  }

  private recordOf(item: Record<string, unknown>): DeliveryRecord {
    return standingAt(storedRecordOf(item), this.now());
  }

  private keyOf(record: DeliveryRecord) {
    return {
      pk: deliveriesPartition(record.phoneNumber),
      sk: deliveryRecordSortKey(record.receivedAt, record.notificationId, keyOf(record.destination)),
    };
  }

  private identity(phoneNumber: string, notificationId: string, receivedAt: number, destination: DestinationRef) {
    return {
      phoneNumber,
      notificationId,
      receivedAt,
      destination: labelOf(destination),
      role: destination.role,
      [tableDefinition.timeToLiveAttribute]: this.expiresAt(receivedAt),
    };
  }

  private expiresAt(receivedAt: number): number {
    return Math.floor(receivedAt / 1000) + this.retentionSeconds;
  }
}

/** The item that keeps a notification for replay: its number and id are in its key. */
export function keptNotificationItem(notification: KeptNotification, expiresAt: number): KeyedItem {
  return {
    pk: deliveriesPartition(notification.phoneNumber),
    sk: deliveryNotificationSortKey(notification.id),
    ...storedNotification(notification),
    [tableDefinition.timeToLiveAttribute]: expiresAt,
  };
}

function storedRecordOf(item: Record<string, unknown>): DeliveryRecord {
  const destination: DestinationRef = item.role === 'primary' ? refOf(undefined) : refOf(item.destination as string);
  const record: Record<string, unknown> = {
    phoneNumber: item.phoneNumber,
    notificationId: item.notificationId,
    receivedAt: item.receivedAt,
    destination,
    updatedAt: item.updatedAt,
  };
  for (const field of [...OUTCOME_FIELDS, 'replayPending'] as const) if (item[field] !== undefined) record[field] = item[field];
  return record as unknown as DeliveryRecord;
}
