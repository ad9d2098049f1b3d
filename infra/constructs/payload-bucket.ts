// The S3 bucket where notifications too large for an SQS message wait for delivery.
import { Duration, Stack, Validations, type CfnResource, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { QUEUE_RETENTION_SECONDS } from '../../shared/queue/queue-definitions.js';

/** Every offloaded payload's key (shared/domain/payload.ts payloadKey: payloads/<number>/<id>); tests hold the two together. */
export const PAYLOAD_OBJECTS = 'payloads/*';

export interface PayloadBucketProps {
  readonly removalPolicy: RemovalPolicy;
  /** The give-up age of a delivery (retryMaxAgeSeconds): how long a payload's objects must outlive it is derived from it. */
  readonly retryMaxAgeSeconds: number;
}

/**
 * Days an offloaded payload is kept: the longest life of a notification that points at it, which is
 * the primary's retry window, then a clone's own window after the primary's 200, then the dead-letter
 * queue's retention, then one more window for a redriven message; plus a day, as S3 counts whole
 * days from midnight UTC.
 */
export function payloadExpiryDays(retryMaxAgeSeconds: number): number {
  const longestLifeSeconds = retryMaxAgeSeconds + retryMaxAgeSeconds + QUEUE_RETENTION_SECONDS + retryMaxAgeSeconds;
  return Math.ceil(longestLifeSeconds / 86_400) + 1;
}

export class PayloadBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: PayloadBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // An object is useless once no message can point at it any more.
      lifecycleRules: [
        {
          id: 'expire-after-longest-notification-life',
          expiration: Duration.days(payloadExpiryDays(props.retryMaxAgeSeconds)),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Transient objects (deleted by lifecycle once no message can point at them) written only by the ingest function and read only by the delivery function; object-level audit belongs to CloudTrail data events, enabled account-wide by the platform team, and a log bucket would itself need a log bucket.',
    });
  }

  /** Delivery reads an offloaded payload back (s3:GetObject under the payload prefix only). */
  grantPayloadRead(grantee: IGrantable): void {
    this.grantObjects(grantee, ['s3:GetObject']);
  }

  /** Ingest offloads a notification too large for one SQS message (s3:PutObject under the payload prefix only). */
  grantPayloadWrite(grantee: IGrantable): void {
    this.grantObjects(grantee, ['s3:PutObject']);
  }

  // Named actions only: Bucket.grantRead/grantWrite would add s3:GetObject*, s3:List*, s3:Abort* and more.
  private grantObjects(grantee: IGrantable, actions: string[]): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(PAYLOAD_OBJECTS)] }));
    if (Construct.isConstruct(principal)) {
      const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnResource);
      Validations.of(principal).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${PAYLOAD_OBJECTS}]`,
        reason:
          "Object keys are payloads/<number>/<notification id>, known only per notification, so the grant names the payload prefix of this one bucket; the actions are named object actions only (no s3:* or s3:List*), and delivery reads only its message's own number's prefix (checked in code).",
      });
    }
  }
}
