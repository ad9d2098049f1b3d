// The WhatsApp app secret and verify token: SSM SecureString parameters referenced by name only.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { WhatsAppSecret } from '../routes.js';

export interface WhatsAppSecretsProps {
  readonly appSecretParameter: string;
  readonly verifyTokenParameter: string;
  /** Set when the parameters are encrypted with a customer-managed key instead of aws/ssm. */
  readonly kmsKeyArn?: string;
}

export class WhatsAppSecrets extends Construct {
  /** The parameter names, for the functions' environment; the values never enter the template. */
  readonly environment: Readonly<Record<string, string>>;
  private readonly parameterNames: Readonly<Record<WhatsAppSecret, string>>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WhatsAppSecretsProps,
  ) {
    super(scope, id);
    this.parameterNames = { appSecret: props.appSecretParameter, verifyToken: props.verifyTokenParameter };
    this.environment = {
      WHATSAPP_APP_SECRET_PARAMETER: props.appSecretParameter,
      WHATSAPP_VERIFY_TOKEN_PARAMETER: props.verifyTokenParameter,
    };
  }

  /** ssm:GetParameter on exactly the named parameters (and kms:Decrypt on their key when it is a CMK). */
  grantRead(grantee: IGrantable, secrets: readonly WhatsAppSecret[]): void {
    if (secrets.length === 0) return;
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: secrets.map((secret) =>
          stack.formatArn({
            service: 'ssm',
            resource: 'parameter',
            // Names with a leading slash are "/a/b"; the ARN is ".../parameter/a/b" either way.
            resourceName: this.parameterNames[secret].replace(/^\//, ''),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
      }),
    );
    if (this.props.kmsKeyArn) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.props.kmsKeyArn],
          // The key may only be used to decrypt SSM parameters, not anything else it protects.
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
        }),
      );
    }
  }
}
