// SQS-driven delivery (notifications and retries queues): partial batch failures, never the whole batch for one record.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliveryRecordHandler } from '../shared/delivery/index.js';
import { logger } from '../shared/logger.js';

let handleRecord: ReturnType<typeof deliveryRecordHandler> | undefined;

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  handleRecord ??= deliveryRecordHandler();
  logger.addContext(context);
  // A processor per batch: it holds per-batch state, and the local runtime runs batches concurrently.
  return processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
}
