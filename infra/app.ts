// The CDK app (cdk.json runs it with tsx): one environment-agnostic stack, checked by cdk-nag on every synth.
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiWebhookStack } from './stacks/multi-webhook-stack.js';
import { readStackConfig, type StackConfig } from './stacks/stack-config.js';

const app = new App();
const config = readConfigOrExit();

// No `env`: the stack resolves account and region at deploy time, so synth needs no credentials.
new MultiWebhookStack(app, config.stackName, {
  config,
  description: 'multi-webhook: WhatsApp webhook fan-out (primary + up to 3 clones), 360dialog /multi_webhook compatible',
});
Tags.of(app).add('project', 'multi-webhook');

// A new unacknowledged finding fails the synth, so it cannot reach a deploy unnoticed.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/** A context mistake (a missing alarm target, say) is a sentence for the operator, not a stack trace. */
function readConfigOrExit(): StackConfig {
  try {
    return readStackConfig(app.node);
  } catch (error) {
    console.error(`multi-webhook: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
