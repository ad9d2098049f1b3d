// The single DynamoDB table: webhooks, API key hashes and delivery attempt records.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDefinition } from '../../shared/store/table-definition.js';

export interface WebhookTableProps {
  readonly removalPolicy: RemovalPolicy;
}

export class WebhookTable extends Construct {
  readonly table: Table;

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
  }
}
