// SQS-driven delivery (notifications and retries queues): partial batch failures, never the whole batch for one record.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadTracing } from '../shared/aws/load-tracing.js';
import { createHttpSender } from '../shared/delivery/http-sender.js';
import { PowertoolsDeliveryMetrics } from '../shared/delivery/powertools-metrics.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import { logger } from '../shared/logger.js';
import { createDeliveryRecordHandler, type Services } from '../shared/services.js';

export const create = (services: Services) => {
  const deliverRecord = createDeliveryRecordHandler(services, createHttpSender);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // What injectLambdaContext(logger, { logEvent: false }) does: the invocation's context, never its
    // event (the records are people's messages), whatever POWERTOOLS_LOGGER_LOG_EVENT says.
    logger.addContext(context);
    logger.logEventIfEnabled(event, false);
    // A processor per batch: it holds per-batch state, and the local runtime runs batches concurrently.
    return processPartialResponse(event, deliverRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
  };
};

export const handler = lambdaEntry(create, async (config) => ({
  metrics: new PowertoolsDeliveryMetrics(config.METRICS_STAGE),
  tracing: await loadTracing(config),
}));
