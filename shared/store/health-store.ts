// Destination health (the breakers) and parked notifications on DynamoDB. A breaker is one item in
// its number's partition, read along with the configuration; parked notifications live in a
// partition of their own per number, sorted by destination and arrival, with a TTL past their window.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { HEALTHY, type DestinationHealth } from '../domain/destination-health.js';
import { keyOf, type DestinationRef } from '../domain/destination.js';
import type { HealthStore, ParkedNotification, TimerClaim } from '../domain/parking.js';
import { fromItem, healthFromItem, PARKED_ATTEMPT_ATTRIBUTE, sortKeyOf, transitionUpdate } from './health-items.js';
import { healthSortKey, parkedPartition, parkedPrefix } from './item-keys.js';
import { parkCancelled, parkTransaction, type ParkResult } from './park-transaction.js';
import { pauseAfterLostRace, retryingConflicts } from './races.js';

/** Writers racing on one breaker: each lost race re-reads and recomputes; past this, the failure surfaces. */
const CHANGE_ATTEMPTS = 20;

type Versioned = { health: DestinationHealth; version: number };
/** Where a read of a line started, kept with the items it returned (see leaveToExpire). */
type LineRead = { givenUpThrough?: string; lateParks?: number };

export class DynamoHealthStore implements HealthStore {
  private readonly lineReads = new WeakMap<ParkedNotification, LineRead>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(phoneNumber: string, destination: DestinationRef): Promise<DestinationHealth> {
    return (await this.readVersioned(phoneNumber, destination)).health;
  }

  async change(phoneNumber: string, destination: DestinationRef, next: (current: DestinationHealth) => DestinationHealth) {
    for (let attempt = 1; ; attempt++) {
      const { health: before, version } = await this.readVersioned(phoneNumber, destination);
      const after = next(before);
      // Only closing and resuming depend on the park (closed with copies parked would strand them);
      // every other transition ignores parks meanwhile.
      const closing = (before.state !== 'closed' && after.state === 'closed') || (before.paused === true && !after.paused);
      try {
        await this.write(phoneNumber, destination, after, version, closing ? before.parked : undefined);
        return { before, after };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt === CHANGE_ATTEMPTS) throw error;
        await pauseAfterLostRace(attempt);
      }
    }
  }

  async parkAll(group: readonly ParkedNotification[]): Promise<boolean[]> {
    if (group.length === 1) return [await this.park(group[0]!)];
    const result = await this.parkAt(group, undefined);
    if (result.kind === 'parked' || result.kind === 'refused') return group.map(() => result.kind === 'parked');
    // A copy parked already (a duplicate receive) or one to park late: each copy on its own says which.
    const results: boolean[] = [];
    for (const parked of group) results.push(await this.park(parked));
    return results;
  }

  async park(parked: ParkedNotification): Promise<boolean> {
    let late: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.parkAt([parked], late);
      if (result.kind !== 'late' || attempt === CHANGE_ATTEMPTS) return result.kind === 'parked';
      late = result.givenUpThrough;
    }
  }

  private async parkAt(group: readonly ParkedNotification[], givenUpThrough: string | undefined): Promise<ParkResult> {
    if (group.length === 0) return { kind: 'parked' };
    try {
      const input = parkTransaction(this.tableName, group, givenUpThrough);
      await retryingConflicts(() => this.db.send(new TransactWriteCommand(input)), CHANGE_ATTEMPTS);
      return { kind: 'parked' };
    } catch (error) {
      return parkCancelled(error, group.length);
    }
  }

  async oldestParked(phoneNumber: string, destination: DestinationRef, limit: number): Promise<ParkedNotification[]> {
    const destinationKey = keyOf(destination);
    // Where the line starts: past its given-up head, which waits for its TTL (a seek, no item read).
    const { Item: line = {} } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: phoneNumber, sk: healthSortKey(destinationKey) },
        ProjectionExpression: 'givenUpThrough, lateParks',
        ConsistentRead: true,
      }),
    );
    const pk = parkedPartition(phoneNumber);
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': parkedPrefix(destinationKey) },
        ...(typeof line.givenUpThrough === 'string' && { ExclusiveStartKey: { pk, sk: line.givenUpThrough } }),
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const items = Items.map((item) => fromItem(item, phoneNumber, destination));
    const read: LineRead = {
      givenUpThrough: typeof line.givenUpThrough === 'string' ? line.givenUpThrough : undefined,
      lateParks: typeof line.lateParks === 'number' ? line.lateParks : undefined,
    };
    for (const item of items) this.lineReads.set(item, read);
    return items;
  }

  async leaveToExpire(head: ParkedNotification[]): Promise<boolean> {
    const [first] = head;
    const last = head.at(-1);
    const read = first && this.lineReads.get(first);
    if (!first || !last || !read) throw new Error('leaveToExpire takes the head of a line as oldestParked returned it');
    const destinationKey = keyOf(first.destination);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: first.phoneNumber, sk: healthSortKey(destinationKey) },
          UpdateExpression: 'SET givenUpThrough = :through ADD parked :minus',
          // The line as read: the same head and no late park since, which would sit before these.
          ConditionExpression: [
            'attribute_exists(sk)',
            read.givenUpThrough === undefined ? 'attribute_not_exists(givenUpThrough)' : 'givenUpThrough = :head',
            read.lateParks === undefined ? 'attribute_not_exists(lateParks)' : 'lateParks = :late',
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':through': sortKeyOf(last),
            ':minus': -head.length,
            ...(read.givenUpThrough !== undefined && { ':head': read.givenUpThrough }),
            ...(read.lateParks !== undefined && { ':late': read.lateParks }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async countAttempt(parked: ParkedNotification): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: parkedPartition(parked.phoneNumber), sk: sortKeyOf(parked) },
          UpdateExpression: 'ADD #attempt :one',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeNames: { '#attempt': PARKED_ATTEMPT_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      )
      .catch((error: unknown) => {
        // Unparked meanwhile (a duplicate step delivered it): nothing left to count.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async unpark(parked: ParkedNotification): Promise<void> {
    await retryingConflicts(() => this.unparkOnce(parked), CHANGE_ATTEMPTS);
  }

  private async unparkOnce(parked: ParkedNotification): Promise<void> {
    const destinationKey = keyOf(parked.destination);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk: parkedPartition(parked.phoneNumber), sk: sortKeyOf(parked) },
                ConditionExpression: 'attribute_exists(sk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: parked.phoneNumber, sk: healthSortKey(destinationKey) },
                UpdateExpression: 'ADD parked :minusOne',
                ConditionExpression: 'parked > :zero',
                ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Unparked already (a duplicate drain step): nothing to count out twice.
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code !== 'ConditionalCheckFailed') throw error;
    }
  }

  async discard(parked: ParkedNotification): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: parkedPartition(parked.phoneNumber), sk: sortKeyOf(parked) } }),
    );
  }

  async armTimer(phoneNumber: string, destination: DestinationRef, at: number | undefined): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: phoneNumber, sk: healthSortKey(keyOf(destination)) },
        UpdateExpression: at === undefined ? 'REMOVE timerAt, leaseUntil' : 'SET timerAt = :at REMOVE leaseUntil',
        ExpressionAttributeValues: at === undefined ? undefined : { ':at': at },
      }),
    );
  }

  async claimTimer(phoneNumber: string, destination: DestinationRef, at: number, now: number, leaseUntil: number): Promise<TimerClaim> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: phoneNumber, sk: healthSortKey(keyOf(destination)) },
          UpdateExpression: 'SET leaseUntil = :leaseUntil',
          ConditionExpression: 'timerAt = :at AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':at': at, ':now': now, ':leaseUntil': leaseUntil },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item) : undefined;
      const held = old?.timerAt === at && typeof old.leaseUntil === 'number' ? old.leaseUntil : undefined;
      return held === undefined ? { claimed: false } : { claimed: false, leasedUntil: held };
    }
  }

  private async readVersioned(phoneNumber: string, destination: DestinationRef): Promise<Versioned> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: phoneNumber, sk: healthSortKey(keyOf(destination)) }, ConsistentRead: true }),
    );
    return { health: Item ? healthFromItem(Item) : HEALTHY, version: typeof Item?.version === 'number' ? Item.version : 0 };
  }

  /** Writes a transition if nobody changed the breaker (its version), nor its park count when that is given, since the read. */
  private async write(
    phoneNumber: string,
    destination: DestinationRef,
    health: DestinationHealth,
    version: number,
    parked: number | undefined,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: phoneNumber, sk: healthSortKey(keyOf(destination)) },
        ...transitionUpdate(health, version, parked),
      }),
    );
  }
}
