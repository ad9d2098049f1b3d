// Destination health (the breakers) and parked notifications on DynamoDB. A breaker is one item in
// its number's partition, read along with the configuration; parked notifications live in a
// partition of their own per number, sorted by destination and arrival, with a TTL past their window.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HEALTHY, type DestinationHealth } from '../domain/destination-health.js';
import { keyOf, refOf, nameOf, type DestinationRef } from '../domain/destination.js';
import type { HealthStore, ParkedNotification, TimerClaim } from '../domain/parking.js';
import { healthSortKey, parkedPartition, parkedPrefix, parkedSortKey } from './item-keys.js';
import { tableDefinition } from './table-definition.js';

/** Writers racing on one breaker: each lost race re-reads and recomputes; past this, the failure surfaces. */
const CHANGE_ATTEMPTS = 20;
/** Parked items outlive their window by this much, so the dead-letter path (not the TTL) ends them. */
const PARKED_TTL_MARGIN_SECONDS = 7 * 24 * 60 * 60;

/** The health fields a transition writes; `parked` changes only by atomic additions. */
const TRANSITION_FIELDS = [
  'state',
  'consecutiveFailures',
  'failedProbes',
  'openedAt',
  'nextProbeAt',
  'lastStatus',
  'lastError',
  'lastLatencyMs',
  'changedAt',
  'paused',
] as const;

type Versioned = { health: DestinationHealth; version: number };

export class DynamoHealthStore implements HealthStore {
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
        // Lost a race: a short random pause keeps the racers from colliding again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  async park(parked: ParkedNotification): Promise<boolean> {
    const destinationKey = keyOf(parked.destination);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Only behind an open (or draining) breaker or a pause: once it closed or resumed, the caller attempts instead.
              Update: {
                TableName: this.tableName,
                Key: { pk: parked.phoneNumber, sk: healthSortKey(destinationKey) },
                UpdateExpression: 'ADD parked :one',
                ConditionExpression: '#state IN (:open, :draining) OR paused = :true',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':one': 1, ':open': 'open', ':draining': 'draining', ':true': true },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...toItem(parked),
                  pk: parkedPartition(parked.phoneNumber),
                  sk: parkedSortKey(destinationKey, parked.receivedAt, parked.id),
                  [tableDefinition.timeToLiveAttribute]: Math.ceil(parked.deadline / 1000) + PARKED_TTL_MARGIN_SECONDS,
                },
                // SQS may hand a message out twice: the same notification is parked once.
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [breaker, item] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (breaker === 'ConditionalCheckFailed') return false;
      if (item === 'ConditionalCheckFailed') return true; // already parked
      throw error;
    }
  }

  async oldestParked(phoneNumber: string, destination: DestinationRef, limit: number): Promise<ParkedNotification[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': parkedPartition(phoneNumber), ':prefix': parkedPrefix(keyOf(destination)) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return Items.map(fromItem);
  }

  async countAttempt(parked: ParkedNotification): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: parkedPartition(parked.phoneNumber), sk: parkedSortKey(keyOf(parked.destination), parked.receivedAt, parked.id) },
          UpdateExpression: 'ADD attempt :one',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      )
      .catch((error: unknown) => {
        // Unparked meanwhile (a duplicate step delivered it): nothing left to count.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async unpark(parked: ParkedNotification): Promise<void> {
    const destinationKey = keyOf(parked.destination);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk: parkedPartition(parked.phoneNumber), sk: parkedSortKey(destinationKey, parked.receivedAt, parked.id) },
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
    const set = TRANSITION_FIELDS.filter((field) => health[field] !== undefined);
    const removed = TRANSITION_FIELDS.filter((field) => health[field] === undefined);
    const names = Object.fromEntries(TRANSITION_FIELDS.map((field) => [`#${field}`, field]));
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: phoneNumber, sk: healthSortKey(keyOf(destination)) },
        UpdateExpression: [
          `SET ${[...set.map((field) => `#${field} = :${field}`), '#version = :nextVersion'].join(', ')}`,
          removed.length > 0 ? `REMOVE ${removed.map((field) => `#${field}`).join(', ')}` : '',
        ].join(' '),
        ConditionExpression: [
          version === 0 ? 'attribute_not_exists(#version)' : '#version = :version',
          ...(parked === undefined ? [] : ['(#parked = :parked OR attribute_not_exists(#parked))']),
        ].join(' AND '),
        ExpressionAttributeNames: { ...names, '#version': 'version', ...(parked !== undefined && { '#parked': 'parked' }) },
        ExpressionAttributeValues: {
          ...Object.fromEntries(set.map((field) => [`:${field}`, health[field]])),
          ':nextVersion': version + 1,
          ...(version !== 0 && { ':version': version }),
          ...(parked !== undefined && { ':parked': parked }),
        },
      }),
    );
  }
}

/** A health item as the domain sees it (also read by the configuration query of the number's partition). */
export function healthFromItem(item: Record<string, unknown>): DestinationHealth {
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : undefined);
  const state = item.state === 'open' || item.state === 'draining' ? item.state : 'closed';
  return {
    state,
    consecutiveFailures: number('consecutiveFailures') ?? 0,
    failedProbes: number('failedProbes') ?? 0,
    parked: number('parked') ?? 0,
    ...optional('openedAt', number('openedAt')),
    ...optional('nextProbeAt', number('nextProbeAt')),
    ...optional('lastStatus', number('lastStatus')),
    ...optional('lastError', typeof item.lastError === 'string' ? item.lastError : undefined),
    ...optional('lastLatencyMs', number('lastLatencyMs')),
    ...optional('changedAt', number('changedAt')),
    ...optional('paused', item.paused === true ? true : undefined),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function toItem(parked: ParkedNotification): Record<string, unknown> {
  const { destination, ...rest } = parked;
  return { ...rest, destinationName: nameOf(destination) };
}

function fromItem(item: Record<string, unknown>): ParkedNotification {
  const { pk: _pk, sk: _sk, destinationName, [tableDefinition.timeToLiveAttribute]: _ttl, ...rest } = item;
  return {
    ...(rest as Omit<ParkedNotification, 'destination'>),
    destination: refOf(typeof destinationName === 'string' ? destinationName : undefined),
  };
}
