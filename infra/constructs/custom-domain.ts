// An optional custom domain for the HTTP API: the URL Meta and the customers hold survives a recreated API.
import { ApiMapping, DomainName, type HttpApi, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import type { CustomDomain } from '../stacks/stack-config.js';

export interface ApiCustomDomainProps {
  readonly api: HttpApi;
  /** The API's `$default` stage (the API creates no implicit one: its stage carries the throttles and access logs). */
  readonly stage: HttpStage;
  readonly domain: CustomDomain;
}

export class ApiCustomDomain extends Construct {
  readonly domainName: DomainName;
  /** https://<domain name>, without a trailing slash, so paths append as they do to the API's own endpoint. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiCustomDomainProps) {
    super(scope, id);
    const { api, stage, domain } = props;
    this.domainName = new DomainName(this, 'DomainName', {
      domainName: domain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
    });
    new ApiMapping(this, 'Mapping', { api, domainName: this.domainName, stage });
    this.url = `https://${domain.domainName}`;
  }
}
