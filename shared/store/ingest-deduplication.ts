// De-duplication on Powertools Idempotency: a record per key in its own table (one key per item, so
// no partition runs hot), INPROGRESS while the notification is queued, COMPLETED with a TTL of the
// window after; a failed enqueue deletes the record, so Meta's retry goes through.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { AcceptInProgress, type Deduplication, type TimeBudget, type Verdict } from '../domain/deduplication.js';

interface Acceptance {
  key: string;
  /** This call's own token: a stored result carrying another token means the key was accepted before. */
  token: string;
}

export class IdempotentDeduplication implements Deduplication {
  private readonly acceptOnce: (acceptance: Acceptance, accept: () => Promise<void>) => Promise<{ acceptedBy: string }>;
  private readonly config: IdempotencyConfig;

  constructor(client: DynamoDBClient, tableName: string, windowSeconds: number) {
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: windowSeconds, throwOnNoIdempotencyKey: true });
    this.config = config;
    this.acceptOnce = makeIdempotent(
      async (acceptance: Acceptance, accept: () => Promise<void>) => {
        await accept();
        return { acceptedBy: acceptance.token };
      },
      { persistenceStore, config },
    );
  }

  async once(key: string, accept: () => Promise<void>, budget: TimeBudget): Promise<Verdict> {
    // Without it an in-progress record would outlive a crash until the window ends, refusing every retry.
    // (A warm Lambda runs one invocation at a time, so the config's one context is this invocation's.)
    this.config.registerLambdaContext(budget as Context);
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
