// Builds the stack for the infra tests: cdk.json's context, a throwaway outdir, bundling only on request.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DELIVERY_HANDLER } from '../../../infra/constructs/delivery-worker.js';
import { entryFile, repositorySources, type ServiceFunction } from '../../../infra/constructs/service-function.js';
import { authorizerFunction, routeKey, routes as routeTable, type Route } from '../../../infra/routes.js';
import { MultiWebhookStack } from '../../../infra/stacks/multi-webhook-stack.js';
import { readStackConfig } from '../../../infra/stacks/stack-config.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Every entry file the stack bundles for this route table. */
export function handlersOf(routes: readonly Route[]): string[] {
  return [...routes.map((route) => route.handler), authorizerFunction.handler, DELIVERY_HANDLER];
}

export const expectedHandlers: readonly string[] = handlersOf(routeTable);

export function missingEntries(handlers: readonly string[] = expectedHandlers): string[] {
  return handlers.filter((handler) => !existsSync(entryFile(repositorySources, handler)));
}

export interface StackFixture {
  readonly app: App;
  readonly stack: MultiWebhookStack;
  readonly template: Template;
  readonly routes: readonly Route[];
  readonly handlers: readonly string[];
  readonly outdir: string;
  readonly nag: AwsSolutionsChecks;
  cleanup(): void;
}

export interface FixtureOptions {
  /** Run esbuild for every function (~10 s); off by default, the template is the same either way. */
  readonly bundle?: boolean;
  /** Overrides on top of cdk.json's context, as `-c key=value` would. */
  readonly context?: Record<string, unknown>;
}

export function buildStack(options: FixtureOptions = {}): StackFixture {
  const outdir = mkdtempSync(join(tmpdir(), 'multi-webhook-cdk-'));
  const context: Record<string, unknown> = { ...cdkJson.context, ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context });
  const config = readStackConfig(app.node);
  const routes = routeTable;
  const handlers = handlersOf(routes);
  const stack = new MultiWebhookStack(app, config.stackName, { config, sources: repositorySources });
  const template = Template.fromStack(stack);
  // Not registered as a plugin: Template.fromStack would throw on the first finding, while the
  // cdk-nag test wants to list them all.
  const nag = new AwsSolutionsChecks(app);
  return { app, stack, template, routes, handlers, outdir, nag, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Handler name -> logical id of its AWS::Lambda::Function. */
export function functionIds(fixture: StackFixture): ReadonlyMap<string, string> {
  const { stack } = fixture;
  const idOf = (fn: ServiceFunction) => stack.getLogicalId(fn.function.node.defaultChild as CfnResource);
  const ids = new Map<string, string>();
  for (const route of fixture.routes) {
    const fn = stack.api.routeFunctions.get(routeKey(route));
    if (fn) ids.set(route.handler, idOf(fn));
  }
  ids.set(authorizerFunction.handler, idOf(stack.api.authorizer));
  ids.set(DELIVERY_HANDLER, idOf(stack.delivery.worker));
  return ids;
}
