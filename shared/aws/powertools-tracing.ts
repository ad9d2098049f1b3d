// Tracing through Powertools Tracer (AWS X-Ray). Off the Lambda runtime, or with
// POWERTOOLS_TRACE_ENABLED=false, the Tracer turns itself off: clients stay as they are and
// subsegments are plain calls, so the local runtime and the tests run untraced.
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Tracing } from './tracing.js';

export function createPowertoolsTracing(): Tracing {
  // No automatic HTTP capture: it would record each destination's URL (which may carry a token) in
  // the trace; each attempt gets its own subsegment with its outcome only.
  const tracer = new Tracer({ serviceName: 'multi-webhook', captureHTTPsRequests: false });
  return {
    captureClient: (client) => tracer.captureAWSv3Client(client),
    async subsegment(name, work, annotate) {
      if (!tracer.isTracingEnabled()) return work();
      return (await tracer.provider.captureAsyncFunc(name, async (subsegment) => {
        try {
          const result = await work();
          for (const [key, value] of Object.entries(annotate(result))) subsegment?.addAnnotation(key, value);
          return result;
        } catch (error) {
          if (error instanceof Error) subsegment?.addError(error);
          throw error;
        } finally {
          subsegment?.close();
        }
      })) as Awaited<ReturnType<typeof work>>;
    },
  };
}
