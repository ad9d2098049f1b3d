// The Lambda entry builds the services once, with the function's own instruments, and publishes metrics after every invocation.
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaEntry } from '../../shared/lambda-entry.js';
import type { Services } from '../../shared/services.js';
import { RecordingMetrics } from './support/recording-metrics.js';

const context = { awsRequestId: 'request-1' } as Context;

describe('lambdaEntry', () => {
  it('publishes what an invocation counted once per invocation, failed ones included, over services built once', async () => {
    const metrics = new RecordingMetrics();
    const built: Services[] = [];
    let invocations = 0;
    const handler = lambdaEntry(
      (services) => {
        built.push(services);
        return async () => {
          services.metrics.retryScheduled('primary');
          if (++invocations === 2) throw new Error('crashed');
          return 'done';
        };
      },
      () => ({ metrics }),
    );

    await handler({}, context);
    await expect(handler({}, context)).rejects.toThrow('crashed');

    expect(built).toHaveLength(1);
    expect(built[0]!.metrics).toBe(metrics);
    expect(metrics.publishes).toBe(2);
    await built[0]!.close();
  });

  it('builds the services over instruments that load asynchronously (a tracer imported on demand)', async () => {
    const metrics = new RecordingMetrics();
    let built: Services | undefined;
    const handler = lambdaEntry(
      (services) => {
        built = services;
        return async () => 'done';
      },
      async () => ({ metrics }),
    );

    await handler({}, context);

    expect(built!.metrics).toBe(metrics);
    expect(metrics.publishes).toBe(1);
    await built!.close();
  });
});
