// Which numbers belong to which WABA, on DynamoDB: a list item per (WABA, number) for fan-out, and a
// pointer per number to its WABA, written together in one transaction when a number is first seen
// or has moved. A warm function remembers what it confirmed, so the usual notification costs no call.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WabaDirectory, WabaMembership } from '../domain/waba.js';
import { WABA_OF_SORT_KEY, wabaNumbersPartition, wabaOfPartition } from './item-keys.js';
import { queryAll } from './query-all.js';

/** Numbers whose WABA one function instance remembers; past this the oldest is forgotten (and read again). */
const MAX_REMEMBERED = 10_000;

export class DynamoWabaStore implements WabaDirectory {
  /** Phone number to the WABA the table was seen to hold for it. */
  private readonly remembered = new Map<string, string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async learn(memberships: readonly WabaMembership[]): Promise<void> {
    const changed = memberships.filter(({ phoneNumber, wabaId }) => this.remembered.get(phoneNumber) !== wabaId);
    await Promise.all(changed.map((membership) => this.record(membership)));
  }

  async numbersOf(wabaId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': wabaNumbersPartition(wabaId) },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => String(item.sk));
  }

  /** Reads the number's pointer; writes only when it names another WABA or none. */
  private async record({ phoneNumber, wabaId }: WabaMembership): Promise<void> {
    const pointer = { pk: wabaOfPartition(phoneNumber), sk: WABA_OF_SORT_KEY };
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: pointer }));
    const previous = typeof Item?.wabaId === 'string' ? Item.wabaId : undefined;
    if (previous !== wabaId) {
      const learnedAt = new Date(this.now()).toISOString();
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...pointer, wabaId, learnedAt },
                  // Written over exactly what was read: of two racing moves one wins, the other reads again next time.
                  ...(previous === undefined
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : { ConditionExpression: 'wabaId = :previous', ExpressionAttributeValues: { ':previous': previous } }),
                },
              },
              { Put: { TableName: this.tableName, Item: { pk: wabaNumbersPartition(wabaId), sk: phoneNumber, learnedAt } } },
              ...(previous === undefined
                ? []
                : [{ Delete: { TableName: this.tableName, Key: { pk: wabaNumbersPartition(previous), sk: phoneNumber } } }]),
            ],
          }),
        );
      } catch (error) {
        // Another ingest wrote this number's pointer meanwhile: nothing is remembered, the next notification looks again.
        if (error instanceof TransactionCanceledException) return;
        throw error;
      }
    }
    this.remember(phoneNumber, wabaId);
  }

  private remember(phoneNumber: string, wabaId: string): void {
    this.remembered.delete(phoneNumber);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(phoneNumber, wabaId);
  }
}
