// The master key that seals webhooks' signing secrets: a Secrets Manager secret whose value the stack
// generates (it never enters the template), readable only by the functions that seal or open them.
import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SigningMasterKeyProps {
  /** The data's policy: a stored sealed secret is useless without the key that sealed it. */
  readonly removalPolicy: RemovalPolicy;
}

export class SigningMasterKey extends Construct {
  readonly secret: Secret;
  /** The secret's ARN for the functions' environment (shared/secrets.ts reads it on first use). */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SigningMasterKeyProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'multi-webhook: master key sealing the webhooks signing secrets (AES-256-GCM)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The master key seals stored signing secrets; rotating it means re-sealing every one of them, so it is not rotated on a schedule. Webhook owners rotate their own signing secrets with POST /multi_webhook/secret.',
    });
    this.environment = { SIGNING_MASTER_KEY_SECRET: this.secret.secretArn };
  }

  /** secretsmanager:GetSecretValue on this secret alone (no DescribeSecret: the function only reads the value). */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
  }
}
