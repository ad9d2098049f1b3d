// cap_race_winners: 50 concurrent appends of distinct names to one enabled number, against DynamoDB Local, through the real store.
import { randomUUID } from 'node:crypto';
import { ensureLocalTable } from '../../infra/local/tables.js';
import { parseConfig } from '../../shared/config.js';
import { Conflict } from '../../shared/domain/errors.js';
import { createServices } from '../../shared/services.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { benchPhoneNumber } from '../lib/phone-numbers.js';

const CONTENDERS = 50;

export const run: Benchmark = async ({ smoke, dynamodbEndpoint }) => {
  const trials = smoke ? 1 : 5;
  const config = parseConfig({ TABLE_NAME: `bench-${randomUUID()}`, AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamodbEndpoint });
  await ensureLocalTable(dynamodbEndpoint, config.TABLE_NAME, config.AWS_REGION);
  const services = createServices(config);
  const store = services.webhooks;

  const outcomes = [];
  for (let trial = 0; trial < trials; trial++) {
    const phoneNumber = benchPhoneNumber();
    await store.setEnabled(phoneNumber, true);
    const results = await Promise.allSettled(
      Array.from({ length: CONTENDERS }, (_, index) =>
        store.append(phoneNumber, [{ name: `hook-${index}`, url: `https://hooks.example.com/${index}`, headers: {} }]),
      ),
    );
    const winners = results.filter((result) => result.status === 'fulfilled').length;
    const refusals: Record<string, number> = {};
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      const reason = result.reason instanceof Conflict ? 'conflict (cap reached)' : String((result.reason as Error).name);
      refusals[reason] = (refusals[reason] ?? 0) + 1;
    }
    const stored = (await store.readPhoneConfig(phoneNumber)).destinations.length;
    outcomes.push({ winners, stored, refusals });
  }
  await services.close();
  progress(`cap race: ${JSON.stringify(outcomes)}`);
  // Every trial must end with exactly 3 winners and 3 stored; the trial furthest from that is the figure.
  const distance = (o: { winners: number; stored: number }) => Math.abs(o.winners - 3) + Math.abs(o.stored - 3);
  const worst = outcomes.reduce((a, b) => (distance(b) > distance(a) ? b : a));
  return {
    cap_race_winners: worst.winners,
    cap_race_stored: worst.stored,
    cap_race: { contenders: CONTENDERS, trials: outcomes },
  };
};
