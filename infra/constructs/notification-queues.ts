// The notifications and retries queues, each with its dead-letter queue, from queue-definitions.ts.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption, type IQueue, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, QUEUE_RETENTION_SECONDS, queueDefinitions, type QueueRole } from '../../shared/queue/queue-definitions.js';

export interface NotificationQueuesProps {
  /** The consumer's timeout; SQS should hide a received message for at least 6x that (AWS's guidance for event sources). */
  readonly consumerTimeout: Duration;
  readonly removalPolicy: RemovalPolicy;
}

export interface QueuePair {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

export class NotificationQueues extends Construct {
  readonly notifications: QueuePair;
  readonly retries: QueuePair;

  constructor(scope: Construct, id: string, props: NotificationQueuesProps) {
    super(scope, id);
    const visibilityTimeout = Duration.seconds(props.consumerTimeout.toSeconds() * 6);
    const pair = (role: QueueRole): QueuePair => {
      const definition = queueDefinitions[role];
      const deadLetterQueue = this.queue(constructId(definition.deadLetter), props.removalPolicy);
      const queue = this.queue(constructId(definition.name), props.removalPolicy, {
        visibilityTimeout,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      return { queue, deadLetterQueue };
    };
    this.notifications = pair('notifications');
    this.retries = pair('retries');
  }

  private queue(id: string, removalPolicy: RemovalPolicy, extra: QueueProps = {}): Queue {
    return new Queue(this, id, {
      // SQS-managed keys: encrypted at rest without KMS grants (KMS grants would need kms:GenerateDataKey*).
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Notifications are retried for up to 7 days; 14 days (the SQS maximum) leaves a week to redrive.
      retentionPeriod: Duration.seconds(QUEUE_RETENTION_SECONDS),
      removalPolicy,
      ...extra,
    });
  }
}

/**
 * sqs:SendMessage alone (it authorizes SendMessageBatch too): the functions take the queue URLs from
 * their environment, so queue.grantSendMessages' GetQueueUrl and GetQueueAttributes would go unused.
 * The queues are SQS-encrypted, so no KMS grant either.
 */
export function grantSendMessage(queue: IQueue, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/** "notifications-dlq" -> "NotificationsDlq" */
function constructId(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
