// The WebhookStore on DynamoDB: the cap of 3 and name uniqueness are enforced by conditional
// writes inside one transaction, so no race of concurrent requests can break them.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_ADDITIONAL_WEBHOOKS } from '../domain/limits.js';
import type { DestinationRef } from '../domain/destination.js';
import type { SealedSigning, SigningChange } from '../domain/signing.js';
import type {
  Destination,
  DestinationChange,
  PhoneConfig,
  PrimaryOutcome,
  SigningOutcome,
  WebhookStore,
  WebhookTarget,
} from '../domain/webhook.js';
import { phoneConfigOf } from './phone-config-items.js';
import {
  alreadyEnabled,
  capReached,
  changeInProgress,
  duplicateName,
  noPrimary,
  notEnabled,
  notSigning,
  unknownName,
} from './webhook-conflicts.js';
import { queryAll } from './query-all.js';
import { transactOrExplain, type TransactItem } from './transact.js';
import { CONFIG_SORT_KEY, healthSortKey } from './item-keys.js';
import {
  attributeNames,
  outcomeOf,
  PRIMARY_NOTICES,
  PRIMARY_SIGNING,
  primaryOf,
  removeClause,
  signingOf,
  signingUpdate,
} from './signing-attributes.js';

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async readPhoneConfig(phoneNumber: string): Promise<PhoneConfig> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': phoneNumber },
      ConsistentRead: true,
    });
    return phoneConfigOf(items);
  }

  async readPrimary(phoneNumber: string): Promise<WebhookTarget | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.configKey(phoneNumber), ConsistentRead: true }),
    );
    return primaryOf(Item);
  }

  async setPrimary(phoneNumber: string, target: WebhookTarget, signing?: SigningChange, notices?: boolean): Promise<PrimaryOutcome> {
    const change = signingUpdate(signing);
    const removes = [...change.removes, ...(notices === false ? ['#notices'] : [])];
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.configKey(phoneNumber),
        UpdateExpression: `SET #primary = :primary, updatedAt = :now${change.set}${notices ? ', #notices = :true' : ''} ${removeClause(removes)}`,
        ExpressionAttributeNames: {
          '#primary': 'primary',
          ...(signing && { '#signing': PRIMARY_SIGNING }),
          ...(notices !== undefined && { '#notices': PRIMARY_NOTICES }),
        },
        ExpressionAttributeValues: {
          ':primary': { url: target.url, headers: target.headers },
          ':now': this.timestamp(),
          ...change.values,
          ...(notices && { ':true': true }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { ...outcomeOf(signing, Attributes?.[PRIMARY_SIGNING]), notices: Attributes?.[PRIMARY_NOTICES] === true };
  }

  async rotateSigning(
    phoneNumber: string,
    destination: DestinationRef,
    rotate: (current: SealedSigning) => Promise<SealedSigning>,
  ): Promise<void> {
    const key = destination.role === 'primary' ? this.configKey(phoneNumber) : { pk: phoneNumber, sk: destination.name };
    const attribute = destination.role === 'primary' ? PRIMARY_SIGNING : 'signing';
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (destination.role === 'primary' ? !Item?.primary : !Item)
      throw destination.role === 'primary' ? noPrimary() : unknownName(destination.name);
    const current = signingOf(Item?.[attribute]).signing;
    if (!current) throw notSigning();
    const next = await rotate(current);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #signing = :next, updatedAt = :now',
          // Only over the secrets it read: two rotations at once would otherwise lose the grace of one.
          ConditionExpression: '#signing.#secret = :current',
          ExpressionAttributeNames: { '#signing': attribute, '#secret': 'secret' },
          ExpressionAttributeValues: { ':next': next, ':current': current.secret, ':now': this.timestamp() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw changeInProgress();
      throw error;
    }
  }

  async setEnabled(phoneNumber: string, enabled: boolean, destinations: readonly Destination[] = [], requestToken?: string): Promise<void> {
    if (destinations.length === 0) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.configKey(phoneNumber),
          UpdateExpression: 'SET enabled = :enabled, #count = if_not_exists(#count, :zero), updatedAt = :now',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':enabled': enabled, ':zero': 0, ':now': this.timestamp() },
        }),
      );
      return;
    }
    // Enabling with initial destinations: only from the disabled state, and within the cap.
    await this.addDestinations(phoneNumber, destinations, requestToken, {
      UpdateExpression: 'SET enabled = :true, #count = if_not_exists(#count, :zero) + :adding, updatedAt = :now',
      ConditionExpression: '(attribute_not_exists(enabled) OR enabled = :false) AND (attribute_not_exists(#count) OR #count <= :room)',
      values: { ':false': false, ':zero': 0 },
      wrongState: (old) => (old?.enabled === true ? alreadyEnabled() : undefined),
    });
  }

  async append(phoneNumber: string, destinations: readonly Destination[], requestToken?: string): Promise<void> {
    await this.addDestinations(phoneNumber, destinations, requestToken, {
      UpdateExpression: 'SET #count = #count + :adding, updatedAt = :now',
      ConditionExpression: 'enabled = :true AND #count <= :room',
      values: {},
      wrongState: (old) => (old?.enabled === true ? undefined : notEnabled()),
    });
  }

  async update(phoneNumber: string, name: string, change: DestinationChange, requestToken?: string): Promise<SigningOutcome> {
    const signing = signingUpdate(change.signing);
    const assignments = [`updatedAt = :now${signing.set}`];
    const values: Record<string, unknown> = { ':now': this.timestamp(), ...signing.values };
    if (change.url !== undefined) {
      assignments.push('#url = :url');
      values[':url'] = change.url;
    }
    if (change.headers !== undefined) {
      assignments.push('headers = :headers');
      values[':headers'] = change.headers;
    }
    await transactOrExplain(
      this.db,
      requestToken,
      [
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: this.configKey(phoneNumber),
            ConditionExpression: 'enabled = :true',
            ExpressionAttributeValues: { ':true': true },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: phoneNumber, sk: name },
            UpdateExpression: `SET ${assignments.join(', ')} ${removeClause(signing.removes)}`,
            ConditionExpression: 'attribute_exists(sk)',
            ExpressionAttributeNames: attributeNames({
              ...(change.url !== undefined && { '#url': 'url' }),
              ...(change.signing && { '#signing': 'signing' }),
            }),
            ExpressionAttributeValues: values,
          },
        },
      ],
      (failed) => (failed[0] ? notEnabled() : unknownName(name)),
      changeInProgress,
    );
    if (change.signing === undefined || change.signing === 'off') return outcomeOf(change.signing, undefined);
    // A transaction returns no values: read which secret stayed (an earlier one is kept).
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: phoneNumber, sk: name },
        ConsistentRead: true,
        ProjectionExpression: 'signing',
      }),
    );
    return outcomeOf(change.signing, Item?.signing);
  }

  async remove(phoneNumber: string, name: string, requestToken?: string): Promise<void> {
    await transactOrExplain(
      this.db,
      requestToken,
      [
        {
          Delete: {
            TableName: this.tableName,
            Key: { pk: phoneNumber, sk: name },
            ConditionExpression: 'attribute_exists(sk)',
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: this.configKey(phoneNumber),
            UpdateExpression: 'SET #count = #count - :one, updatedAt = :now',
            ConditionExpression: '#count >= :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':now': this.timestamp() },
          },
        },
        // Its breaker goes with it: a webhook added later under the same name starts healthy. Its
        // parked notifications are dropped by the drain (the destination is gone) or expire.
        { Delete: { TableName: this.tableName, Key: { pk: phoneNumber, sk: healthSortKey(name) } } },
      ],
      () => unknownName(name),
      changeInProgress,
    );
  }

  /** One transaction: the conditional count update on the config item plus a conditional put per name. */
  async forget(phoneNumber: string): Promise<void> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': phoneNumber },
      ProjectionExpression: 'pk, sk',
    });
    for (const { pk, sk } of items) await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk } }));
  }

  private async addDestinations(
    phoneNumber: string,
    destinations: readonly Destination[],
    requestToken: string | undefined,
    countUpdate: {
      UpdateExpression: string;
      ConditionExpression: string;
      /** The placeholders these expressions use beyond the shared ones (:true, :adding, :room, :now). */
      values: Record<string, unknown>;
      /** The conflict when the enabled flag forbids this write, read from the item as it was. */
      wrongState: (old: Record<string, unknown> | undefined) => Error | undefined;
    },
  ): Promise<void> {
    // More than the cap can never fit; refusing here also keeps the transaction within its item limit.
    if (destinations.length > MAX_ADDITIONAL_WEBHOOKS) throw capReached(destinations.length);
    const now = this.timestamp();
    const puts: TransactItem[] = destinations.map((destination, index) => ({
      Put: {
        TableName: this.tableName,
        // createdAt keeps the order of the request among destinations added together.
        Item: {
          pk: phoneNumber,
          sk: destination.name,
          url: destination.url,
          headers: destination.headers,
          ...(destination.signing && { signing: destination.signing }),
          createdAt: `${now}#${index}`,
          updatedAt: now,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      },
    }));
    await transactOrExplain(
      this.db,
      requestToken,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: this.configKey(phoneNumber),
            UpdateExpression: countUpdate.UpdateExpression,
            ConditionExpression: countUpdate.ConditionExpression,
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':true': true,
              ...countUpdate.values,
              ':adding': destinations.length,
              ':room': MAX_ADDITIONAL_WEBHOOKS - destinations.length,
              ':now': now,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...puts,
      ],
      (failed, oldItems) => {
        // Precedence: the enabled state, then a name clash, then the cap.
        const stateConflict = failed[0] ? countUpdate.wrongState(oldItems[0]) : undefined;
        const duplicate = destinations.find((_, index) => failed[index + 1]);
        return stateConflict ?? (duplicate ? duplicateName(duplicate.name) : capReached(destinations.length));
      },
      changeInProgress,
    );
  }

  private configKey(phoneNumber: string) {
    return { pk: phoneNumber, sk: CONFIG_SORT_KEY };
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}
