// De-duplication on Powertools Idempotency: a record per key in its own table (one key per item, so
// no partition runs hot), INPROGRESS while the notification is queued, COMPLETED with a TTL of the
// window after; a failed enqueue deletes the record, so Meta's retry goes through.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { AcceptInProgress, type Deduplication, type Verdict } from '../domain/deduplication.js';

interface Acceptance {
  key: string;
  /** This call's own token: a stored result carrying another token means the key was accepted before. */
  token: string;
}

export class IdempotentDeduplication implements Deduplication {
  private readonly acceptOnce: (acceptance: Acceptance, accept: () => Promise<void>) => Promise<{ acceptedBy: string }>;

  constructor(client: DynamoDBClient, tableName: string, windowSeconds: number) {
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: windowSeconds, throwOnNoIdempotencyKey: true });
    this.acceptOnce = makeIdempotent(
      async (acceptance: Acceptance, accept: () => Promise<void>) => {
        await accept();
        return { acceptedBy: acceptance.token };
      },
      { persistenceStore, config },
    );
  }

  async once(key: string, accept: () => Promise<void>): Promise<Verdict> {
    const token = randomUUID();
    try {
      const { acceptedBy } = await this.acceptOnce({ key, token }, accept);
      return acceptedBy === token ? 'accepted' : 'duplicate';
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new AcceptInProgress();
      throw error;
    }
  }
}
