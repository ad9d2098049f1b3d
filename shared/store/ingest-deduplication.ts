// De-duplication on Powertools Idempotency: a record per key in its own table (one key per item, so
// no partition runs hot), INPROGRESS while the notification is queued, COMPLETED with a TTL of the
// window after; a failed enqueue deletes the record, so Meta's retry goes through.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { AcceptInProgress, type Deduplication, type TimeBudget, type Verdict } from '../domain/deduplication.js';

interface Acceptance {
  key: string;
  /** This call's own token: a stored result carrying another token means the key was accepted before. */
  token: string;
}

interface Idempotent {
  acceptOnce: (acceptance: Acceptance, accept: () => Promise<void>) => Promise<{ acceptedBy: string }>;
  config: IdempotencyConfig;
  isInProgress: (error: unknown) => boolean;
}

export class IdempotentDeduplication implements Deduplication {
  private idempotent: Promise<Idempotent> | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly windowSeconds: number,
  ) {}

  async once(key: string, accept: () => Promise<void>, budget: TimeBudget): Promise<Verdict> {
    const { acceptOnce, config, isInProgress } = await (this.idempotent ??= this.load());
    // Without it an in-progress record would outlive a crash until the window ends, refusing every retry.
    // (A warm Lambda runs one invocation at a time, so the config's one context is this invocation's.)
    config.registerLambdaContext(budget as Context);
    const token = randomUUID();
    try {
      const { acceptedBy } = await acceptOnce({ key, token }, accept);
      return acceptedBy === token ? 'accepted' : 'duplicate';
    } catch (error) {
      if (isInProgress(error)) throw new AcceptInProgress();
      throw error;
    }
  }

  /** The library loads on first use: only ingest and delivery de-duplicate, and every other function would pay for it at start. */
  private async load(): Promise<Idempotent> {
    const [{ IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent }, { DynamoDBPersistenceLayer }] = await Promise.all([
      import('@aws-lambda-powertools/idempotency'),
      import('@aws-lambda-powertools/idempotency/dynamodb'),
    ]);
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName: this.tableName, awsSdkV3Client: this.client });
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      expiresAfterSeconds: this.windowSeconds,
      throwOnNoIdempotencyKey: true,
    });
    const acceptOnce = makeIdempotent(
      async (acceptance: Acceptance, accept: () => Promise<void>) => {
        await accept();
        return { acceptedBy: acceptance.token };
      },
      { persistenceStore, config },
    );
    return { acceptOnce, config, isInProgress: (error) => error instanceof IdempotencyAlreadyInProgressError };
  }
}
