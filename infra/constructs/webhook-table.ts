// The DynamoDB tables: the single table (webhooks, API key hashes, breakers, parked copies, attempt
// records) and ingest's de-duplication records.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { deduplicationTableDefinition, tableDefinition } from '../../shared/store/table-definition.js';

export interface WebhookTableProps {
  readonly removalPolicy: RemovalPolicy;
}

export class WebhookTable extends Construct {
  readonly table: Table;
  /** Ingest's de-duplication records (Powertools Idempotency: one `id` per record, TTL on `expiration`). */
  readonly deduplication: Table;

  constructor(scope: Construct, id: string, props: WebhookTableProps) {
    super(scope, id);
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      // Traffic follows WhatsApp volume, which is bursty: pay per request, no capacity planning.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      // The AWS-managed key shows up in CloudTrail and needs no key policy or IAM grant.
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy,
      // A retained table is a production table: a stray delete must not lose customers' webhooks.
      deletionProtection: retained,
    });
    // One key per item, so a flood of one number's notifications spreads over partitions. Its records
    // live a day: losing them on teardown costs only a day's de-duplication.
    this.deduplication = new Table(this, 'Deduplication', {
      partitionKey: { name: deduplicationTableDefinition.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: deduplicationTableDefinition.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
