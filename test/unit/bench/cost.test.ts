import { describe, expect, it } from 'vitest';
import { costPerMillion, logBytes, sqsBilledRequests, xrayTraces, type CostInputs } from '../../../bench/lib/cost.js';
import { DRAIN_BATCH_SIZE } from '../../../shared/domain/destination-health.js';
import {
  ASSUMED,
  cacheHitRate,
  deployedScenario,
  dynamodbUnits,
  monthly,
  parkedItemBytes,
  parkWriteUnits,
} from '../../../bench/lib/cost-scenarios.js';
import { failureCost } from '../../../bench/lib/cost-failures.js';
import { PRICES_USD } from '../../../bench/lib/pricing.js';

const inputs: CostInputs = {
  ingestMs: 10,
  deliveryInvocations: 0.1,
  deliveryMs: 100,
  sqsRequests: 1.2,
  readUnits: 1,
  writeUnits: 2,
  logBytes: 1000,
  transferBytes: 4000,
  xrayTraces: 0.05,
};
const measured = { happyLogBytes: 650, happyLogLines: 1, deliveryOverheadMs: 10 };
const failureMeasured = { ...measured, ingestLineBytes: 650, givenUpLineBytes: 690 };

describe('the cost model', () => {
  it('prices each line as its quantity times its list price', () => {
    const { breakdown } = costPerMillion(inputs);
    expect(breakdown.apiGateway).toBe(1);
    expect(breakdown.lambdaRequests).toBeCloseTo(1.1 * 0.2, 4);
    // 0.25 GB x 10 ms + 0.1 x 0.5 GB x 100 ms = 0.0075 GB-s per notification.
    expect(breakdown.lambdaDuration).toBeCloseTo(0.0075 * 1e6 * PRICES_USD.lambdaArmPerGbSecond, 4);
    expect(breakdown.sqs).toBeCloseTo(1.2 * 0.4, 4);
    expect(breakdown.dynamodbReads).toBe(0.125);
    expect(breakdown.dynamodbWrites).toBe(1.25);
    expect(breakdown.dataTransferOut).toBeCloseTo((4000 * 1e6 * 0.09) / 2 ** 30, 4);
    expect(breakdown.xray).toBeCloseTo(0.05 * 5.5, 4);
  });

  it('adds up to its total, and its floor is the queue and the two functions', () => {
    const cost = costPerMillion(inputs);
    const sum = Object.values(cost.breakdown).reduce((total, usd) => total + usd, 0);
    expect(cost.total).toBeCloseTo(sum, 3);
    expect(cost.floorSqsLambda).toBeCloseTo(cost.breakdown.sqs + cost.breakdown.lambdaRequests + cost.breakdown.lambdaDuration, 3);
  });

  it('bills Lambda duration in whole milliseconds, rounded up per invocation', () => {
    const billed = (ingestMs: number) => costPerMillion({ ...inputs, ingestMs, deliveryInvocations: 0 }).lines.lambdaDuration.quantity;
    expect(billed(2.1)).toBe(billed(3));
    expect(billed(3.01)).toBeGreaterThan(billed(3));
  });

  it('doubles the Logs lines when the log bytes double', () => {
    const once = costPerMillion(inputs);
    const twice = costPerMillion({ ...inputs, logBytes: 2 * inputs.logBytes });
    expect(twice.lines.logsIngestion.quantity).toBe(2 * once.lines.logsIngestion.quantity);
    expect(twice.breakdown.logsIngestion).toBeCloseTo(2 * once.breakdown.logsIngestion, 3);
    expect(twice.breakdown.logsStorage).toBeCloseTo(2 * once.breakdown.logsStorage, 3);
    expect(twice.breakdown.apiGateway).toBe(once.breakdown.apiGateway);
  });

  it('counts every log event with the 26 bytes CloudWatch Logs adds to it', () => {
    const parts = {
      applicationBytes: 500,
      applicationLines: 1,
      invocations: 1,
      platformBytesPerInvocation: 600,
      platformLinesPerInvocation: 2,
      accessLogBytes: 300,
    };
    expect(logBytes(parts)).toBe(500 + 600 + 300 + 4 * 26);
  });

  it('counts each 64 KB of an SQS request as one request', () => {
    expect(sqsBilledRequests({ sends: 1, receives: 0.1, deletes: 0.1 }, 3000, 10)).toBeCloseTo(1.2, 6);
    // A 100 KB message is two chunks to send; a receive of ten 10 KB messages is two as well.
    expect(sqsBilledRequests({ sends: 1, receives: 0, deletes: 0 }, 100 * 1024, 10)).toBe(2);
    expect(sqsBilledRequests({ sends: 0, receives: 1, deletes: 0 }, 10 * 1024, 10)).toBe(2);
  });

  it('samples X-Ray at one trace a second plus 5 % of the rest', () => {
    expect(xrayTraces(1, 1)).toBe(1);
    expect(xrayTraces(100, 1)).toBeCloseTo((1 + 0.05 * 99) / 100, 6);
    expect(xrayTraces(1e6, 1.1)).toBeCloseTo(0.055, 4);
  });
});

describe('the deployed scenarios', () => {
  it('finds half the configurations cached when a process sees a number once per cache period', () => {
    expect(cacheHitRate(1 / 60, 60)).toBe(0.5);
    expect(cacheHitRate(5, 0)).toBe(0);
  });

  it('reads one configuration per notification when nothing is cached', () => {
    const uncached = deployedScenario(1000, measured, { ...ASSUMED, configCacheSeconds: 0, ingestInstanceLifetimeSeconds: 0 });
    expect(uncached.derived.configHitRate).toBe(0);
    // The number's partition (one RRU) and the WABA pointer (an eventually consistent half).
    expect(uncached.inputs.readUnits).toBe(1.5);
  });

  it('takes the cache-hit rate as an input when it is given', () => {
    const [none, all] = [0, 1].map((configHitRate) => deployedScenario(1000, measured, ASSUMED, { configHitRate }).inputs.readUnits);
    expect(none! - all!).toBe(1);
  });

  it('caches less as the fleet grows with the traffic', () => {
    const [slow, fast] = [100, 10_000].map((rate) => deployedScenario(rate, measured).derived.configHitRate);
    expect(fast!).toBeLessThan(slow!);
  });

  it('turns counted DynamoDB calls into units', () => {
    const units = dynamodbUnits(
      [
        { QueryCommand: 10, GetItemCommand: 10, TransactWriteItemsCommand: 10 },
        { PutItemCommand: 1000, UpdateItemCommand: 1000 },
      ],
      1000,
    );
    expect(units.readUnits).toBeCloseTo(0.015, 6);
    expect(units.writeUnits).toBeCloseTo(2.04, 6);
  });

  it('sends every copy of a notification to the internet', () => {
    const withClones = deployedScenario(1000, measured).inputs.transferBytes;
    const alone = deployedScenario(1000, measured, { ...ASSUMED, clones: 0 }).inputs.transferBytes;
    expect(withClones).toBe(4 * alone);
  });

  it('bills requests past 300 million a month at the lower API Gateway price', () => {
    const cost = costPerMillion(inputs);
    const month = monthly(1000, cost);
    // 2,628 million requests: 300 at $1.00 and 2,328 at $0.90; transfer stays in its first tiers.
    expect(month.firstTierUsd - month.tieredUsd).toBeGreaterThanOrEqual(2328 * 0.1 - 0.01);
    expect(monthly(100, cost).tieredUsd).toBeCloseTo(monthly(100, cost).firstTierUsd, 6);
  });
});

describe('the failure path', () => {
  it('parks each copy of a dead primary in a transaction of its item and the breaker, and leaves it to the TTL at a share of one breaker write', () => {
    // A 3 KB body of statuses compresses into a parked item under 1 KB: 1 KB doubled in a transaction, and the breaker's 2.
    expect(parkedItemBytes(3072)).toBeLessThanOrEqual(1024);
    expect(parkWriteUnits(3072)).toBe(4);
    const dead = failureCost('dead', 1000, failureMeasured);
    // De-duplication 2, the park 4, the delivery log's record and notification 1 + 1; its record reads dead with no write.
    expect(dead.steady.lines.dynamodbWrites.quantity).toBeCloseTo(2 + 4 + 1 / DRAIN_BATCH_SIZE + 1 + 1, 10);
    expect(dead.steady.lines.dataTransferOut.quantity).toBe(0);
  });

  it("sends a dead copy's dead letter in a batch of ten with the rest of its head: a tenth of an SQS request", () => {
    const dead = failureCost('dead', 1000, failureMeasured);
    const healthy = deployedScenario(1000, failureMeasured);
    expect(dead.steady.lines.sqs.quantity).toBeCloseTo(healthy.inputs.sqsRequests + 0.1, 10);
  });

  it('costs a hung primary the timeout of every attempt until its breaker opens', () => {
    const dead = failureCost('dead', 1000, failureMeasured);
    const hung = failureCost('hung', 1000, failureMeasured);
    expect(hung.steady.total).toBe(dead.steady.total);
    expect(hung.episodeUsd).toBeGreaterThan(dead.episodeUsd);
    expect(hung.openWeekUsd).toBeGreaterThan(dead.openWeekUsd);
  });
});
