// A traced function loads Powertools Tracer (and the X-Ray SDK's process-wide async hooks) only where it can trace.
import { describe, expect, it } from 'vitest';
import { loadTracing } from '../../../shared/aws/load-tracing.js';
import { parseConfig } from '../../../shared/config.js';

describe('loadTracing', () => {
  it('gives no tracing off the Lambda runtime, so clients and attempts stay as they are', async () => {
    await expect(loadTracing(parseConfig({}))).resolves.toBeUndefined();
  });

  it('gives no tracing on the Lambda runtime when POWERTOOLS_TRACE_ENABLED is false', async () => {
    await expect(
      loadTracing(parseConfig({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' })),
    ).resolves.toBeUndefined();
  });

  it('gives the Powertools tracing on the Lambda runtime', async () => {
    const tracing = await loadTracing(parseConfig({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }));
    expect(tracing).toMatchObject({ captureClient: expect.any(Function), subsegment: expect.any(Function) });
  });
});
