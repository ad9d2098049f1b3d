// Failed delivery attempts, kept for a while (TTL) so operators and clients can see what went wrong.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttemptStore, FailedAttempt } from '../domain/delivery-attempt.js';
import { tableDefinition } from './table-definition.js';
import { attemptsPartition } from './item-keys.js';

/** How long attempt records are kept before DynamoDB's TTL removes them. */
export const ATTEMPT_RECORD_DAYS = 30;

export class DynamoAttemptStore implements AttemptStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordFailure(attempt: FailedAttempt): Promise<void> {
    const at = new Date(attempt.at).toISOString();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: attemptsPartition(attempt.phoneNumber),
          // Newest last; the id and destination keep simultaneous failures apart.
          sk: `${at}#${attempt.notificationId}#${attempt.destination}`,
          ...attempt,
          [tableDefinition.timeToLiveAttribute]: Math.floor(attempt.at / 1000) + ATTEMPT_RECORD_DAYS * 24 * 60 * 60,
        },
      }),
    );
  }
}
