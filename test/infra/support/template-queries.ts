// Small readers over a synthesized template: resources by type, a function's IAM statements, references.
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
  readonly effect: string;
  readonly condition?: unknown;
}

// Template.toJSON() copies the whole template on every call; the tests read it hundreds of times.
const cache = new WeakMap<Template, Record<string, Resource>>();

function allResources(template: Template): Record<string, Resource> {
  let found = cache.get(template);
  if (!found) {
    found = template.toJSON().Resources as Record<string, Resource>;
    cache.set(template, found);
  }
  return found;
}

export function resources(template: Template, type: string): Record<string, Resource> {
  return Object.fromEntries(Object.entries(allResources(template)).filter(([, r]) => r.Type === type));
}

export function resource(template: Template, logicalId: string): Resource {
  const found = allResources(template)[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
}

/** Does this value (a property, a statement's resources) reference the resource with this logical id? */
export function refersTo(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value).includes(`"${logicalId}"`);
}

/** Every Allow/Deny statement of the inline policies attached to the function's role. */
export function statementsOf(template: Template, functionId: string): Statement[] {
  const roleArn = resource(template, functionId).Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = roleArn['Fn::GetAtt'][0];
  const statements: Statement[] = [];
  for (const policy of Object.values(resources(template, 'AWS::IAM::Policy'))) {
    if (!refersTo(policy.Properties.Roles, roleId)) continue;
    for (const raw of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
      statements.push({
        actions: ([] as string[]).concat(raw.Action as string | string[]),
        resources: ([] as unknown[]).concat(raw.Resource),
        effect: raw.Effect as string,
        condition: raw.Condition,
      });
    }
  }
  return statements;
}

/** Actions the function may perform on the resource with this logical id. */
export function actionsOn(template: Template, functionId: string, logicalId: string): string[] {
  return statementsOf(template, functionId)
    .filter((statement) => statement.effect === 'Allow' && refersTo(statement.resources, logicalId))
    .flatMap((statement) => statement.actions)
    .sort();
}

/** Logical id of an L2 construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}
