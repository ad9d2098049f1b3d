// The managed policy an operator's role needs for the keys CLI, so nobody grants it the whole table.
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { keysOperatorGrants } from '../routes.js';
import { tableStatements } from './table-grants.js';

export interface KeysOperatorPolicyProps {
  readonly table: ITable;
}

/** Attached to nothing: the platform team attaches it to the role its operators use. */
export class KeysOperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: KeysOperatorPolicyProps) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: "npx multi-webhook keys create|list|revoke: API-key items and the numbers' key index only, no Scan",
      statements: tableStatements(props.table, keysOperatorGrants),
    });
  }
}
