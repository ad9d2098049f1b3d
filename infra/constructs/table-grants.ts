// The table grants of infra/routes.ts as IAM statements: the named item actions, on items of the named
// partitions only (dynamodb:LeadingKeys), and API-key items closed to every function but the authorizer.
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { API_KEY_PARTITIONS, type TableGrant, type TablePartitions } from '../routes.js';

/**
 * Grants exactly `grants` on the table. A function without the API-key partitions among them also
 * gets an explicit deny on those items, so no later grant (a `grantReadData`, say) can open them.
 */
export function grantTableAccess(table: ITable, grantee: IGrantable, grants: readonly TableGrant[]): void {
  const principal = grantee.grantPrincipal;
  for (const statement of tableStatements(table, grants)) principal.addToPrincipalPolicy(statement);
  if (!grants.some((grant) => grant.partitions === API_KEY_PARTITIONS)) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        // Every action, PartiQL and batch ones included: a deny has no least privilege to keep.
        actions: ['dynamodb:*'],
        resources: [table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${API_KEY_PARTITIONS}*`] } },
      }),
    );
  }
}

/** One Allow statement per grant. */
export function tableStatements(table: ITable, grants: readonly TableGrant[]): PolicyStatement[] {
  return grants.map(
    (grant) =>
      new PolicyStatement({
        actions: [...grant.actions],
        // The table itself: it has no index, and an index ARN would be a wildcard.
        resources: [table.tableArn],
        conditions: leadingKeysCondition(grant.partitions),
      }),
  );
}

/**
 * IAM cannot say "digits only", but every other partition key carries a `#` (item-keys.ts) and a
 * phone number never does, so "no `#`" is exactly the numbers' own partitions.
 */
export function leadingKeysCondition(partitions: TablePartitions): Record<string, Record<string, string[]>> {
  if (partitions === 'phone-number') return { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['*#*'] } };
  if (!/^[\w-]+#$/.test(partitions))
    throw new Error(`table partitions "${partitions}": expected 'phone-number' or a key prefix such as 'parked#'`);
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${partitions}*`] } };
}

/** What Powertools Idempotency calls on the de-duplication table: a conditional put, the update to COMPLETED, a delete when the work failed, a get on a clash. */
export function grantDeduplication(table: ITable, grantee: IFunction): void {
  grantee.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
    }),
  );
}
