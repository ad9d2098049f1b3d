// The delivery function and its two SQS event sources: primary first, clones only after the primary's 200.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { deliveryFunction } from '../routes.js';
import { functionSizes } from './function-sizing.js';
import { grantSendMessage, type NotificationQueues } from './notification-queues.js';
import type { PayloadBucket } from './payload-bucket.js';
import { ServiceFunction, type FunctionDefaults } from './service-function.js';
import type { SigningMasterKey } from './signing-master-key.js';
import { grantDeduplication, grantTableAccess } from './table-grants.js';

export const DELIVERY_HANDLER = deliveryFunction.handler;

export interface DeliveryWorkerProps {
  readonly defaults: FunctionDefaults;
  readonly queues: NotificationQueues;
  readonly table: ITable;
  /** Producers' notifications on the queue door are de-duplicated by their id. */
  readonly deduplicationTable: ITable;
  readonly payloadBucket: PayloadBucket;
  /** Signing webhooks' attempts open their sealed secrets with it. */
  readonly signingKey: SigningMasterKey;
  /** Per queue; caps the load on customers' webhooks and on the table. */
  readonly maxConcurrency: number;
}

export class DeliveryWorker extends Construct {
  readonly worker: ServiceFunction;

  constructor(scope: Construct, id: string, props: DeliveryWorkerProps) {
    super(scope, id);
    const { queues } = props;
    this.worker = new ServiceFunction(this, 'Delivery', {
      handler: DELIVERY_HANDLER,
      description: 'Delivers notifications: primary webhook first, the clones only after its HTTP 200',
      ...functionSizes.delivery,
      defaults: props.defaults,
    });
    const fn = this.worker.function;

    for (const queue of [queues.notifications.queue, queues.retries.queue]) {
      fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: 10,
          // A short wait fills batches under load without delaying a lone notification noticeably.
          maxBatchingWindow: Duration.seconds(1),
          // One failing webhook must not make the other nine records of the batch run again.
          reportBatchItemFailures: true,
          maxConcurrency: props.maxConcurrency,
        }),
      );
    }
    // Retries, the slow lane and the breakers' timers are new messages on the retries queue; expired
    // and malformed records are dead-lettered by the function itself, with their reason.
    // (The event sources above grant what Lambda's poller needs to receive and delete.)
    grantSendMessage(queues.retries.queue, fn);
    grantSendMessage(queues.notifications.deadLetterQueue, fn);
    grantSendMessage(queues.retries.deadLetterQueue, fn);
    // Reads the phone's configuration and breakers, parks and unparks copies, records failed attempts.
    grantTableAccess(props.table, fn, deliveryFunction.table);
    grantDeduplication(props.deduplicationTable, fn);
    // Reads payloads that ingest offloaded; writes a large payload it parks.
    props.payloadBucket.grantPayloadRead(fn);
    props.payloadBucket.grantPayloadWrite(fn);
    props.signingKey.grantRead(fn);
  }
}
