// Which stack a command works on: the running local stack, a deployed stack's CloudFormation
// outputs (--stack), or the environment (TABLE_NAME, as the keys command always took it).
import { answers, findLocalStack, stateDirectory } from '../infra/local/state-file.js';
import { parseConfig, type Config } from '../shared/config.js';
import type { DeliveryQueueUrls } from '../shared/queue/delivery-queue.js';

export class UserError extends Error {}

export interface Target {
  kind: 'local' | 'deployed' | 'environment';
  /** The configuration the functions of that stack run with, as far as an operator needs it. */
  config: Config;
  /** The API's base URL, when known (local state, ApiUrl output). */
  apiUrl?: string;
  /** The deployed stack's outputs, by key. */
  outputs?: Readonly<Record<string, string>>;
}

/** Output key -> the variable of shared/config.ts it fills. */
const OUTPUT_VARIABLES = {
  TableName: 'TABLE_NAME',
  DeduplicationTableName: 'DEDUPLICATION_TABLE_NAME',
  NotificationsQueueUrl: 'NOTIFICATIONS_QUEUE_URL',
  NotificationsDlqUrl: 'NOTIFICATIONS_DLQ_URL',
  RetriesQueueUrl: 'RETRIES_QUEUE_URL',
  RetriesDlqUrl: 'RETRIES_DLQ_URL',
  PayloadBucketName: 'PAYLOAD_BUCKET',
  WhatsAppAppSecretParameter: 'WHATSAPP_APP_SECRET_PARAMETER',
} as const;

const QUEUE_VARIABLES = ['NOTIFICATIONS_QUEUE_URL', 'NOTIFICATIONS_DLQ_URL', 'RETRIES_QUEUE_URL', 'RETRIES_DLQ_URL'] as const;

/**
 * The environment a deployed stack's outputs describe. Queue URLs set in the environment win, so the
 * retained dead-letter queues of a deleted stack can be redriven into the queues of its successor.
 */
export function environmentFromOutputs(
  outputs: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const fromOutputs = Object.fromEntries(
    Object.entries(OUTPUT_VARIABLES).flatMap(([key, variable]) => (outputs[key] ? [[variable, outputs[key]]] : [])),
  );
  const overrides = Object.fromEntries(QUEUE_VARIABLES.flatMap((variable) => (env[variable] ? [[variable, env[variable]]] : [])));
  return { AWS_REGION: env.AWS_REGION ?? env.AWS_DEFAULT_REGION, ...fromOutputs, ...overrides };
}

export async function resolveTarget(stack: string | undefined, env: NodeJS.ProcessEnv): Promise<Target> {
  if (stack !== undefined) {
    const outputs = await stackOutputs(stack, env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
    return { kind: 'deployed', config: parseConfig(environmentFromOutputs(outputs, env)), apiUrl: outputs.ApiUrl, outputs };
  }
  const endpoint = env.DYNAMODB_ENDPOINT;
  if (env.TABLE_NAME !== undefined || endpoint !== undefined) {
    const config = parseConfig(env);
    if (endpoint !== undefined && !(await answers(endpoint, 3000)))
      throw new UserError(`Nothing answers at DYNAMODB_ENDPOINT=${endpoint}: start that DynamoDB, or unset DYNAMODB_ENDPOINT to use AWS.`);
    return { kind: 'environment', config };
  }
  const found = await findLocalStack(stateDirectory(env.LOCAL_STATE_DIR));
  const hint = 'Start it with `npm start`, or pass --stack <name> for a deployed stack.';
  if (found.state === 'absent') throw new UserError(`No local stack is running (there is no ${found.file}). ${hint}`);
  if (found.state === 'stale')
    throw new UserError(`No local stack is running: ${found.file} is left from one that did not stop cleanly (${found.reason}). ${hint}`);
  const { apiUrl, dynamodbEndpoint, tableName, sqsEndpoint, region, queues, appSecret } = found.target;
  const config = parseConfig({
    ...env,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    TABLE_NAME: tableName,
    ...(sqsEndpoint && { SQS_ENDPOINT: sqsEndpoint }),
    ...(region && { AWS_REGION: region }),
    ...queues,
    ...(appSecret && { WHATSAPP_APP_SECRET: appSecret }),
  });
  return { kind: 'local', config, apiUrl };
}

/** The four queue URLs, or a sentence saying where they were expected. */
export function queueUrlsOf(target: Target): DeliveryQueueUrls {
  const { config } = target;
  const missing = QUEUE_VARIABLES.filter((variable) => !config[variable]);
  if (missing.length > 0) {
    throw new UserError(
      target.kind === 'deployed'
        ? 'The stack has no outputs NotificationsDlqUrl, RetriesQueueUrl and RetriesDlqUrl: deploy this version of the stack first.'
        : target.kind === 'local'
          ? 'The running local stack was started by an older version and did not record its queues: restart `npm start`.'
          : `Set ${missing.join(', ')} (or use --stack <name>).`,
    );
  }
  return {
    notifications: config.NOTIFICATIONS_QUEUE_URL!,
    notificationsDeadLetter: config.NOTIFICATIONS_DLQ_URL!,
    retries: config.RETRIES_QUEUE_URL!,
    retriesDeadLetter: config.RETRIES_DLQ_URL!,
  };
}

async function stackOutputs(stackName: string, region: string | undefined): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({ ...(region && { region }) });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) => (OutputKey ? [[OutputKey, OutputValue ?? '']] : [])),
    );
  } catch (error) {
    if ((error as Error).name === 'ValidationError')
      throw new UserError(`No stack ${stackName} in ${region ?? 'the default region'}: ${(error as Error).message}`);
    throw error;
  } finally {
    client.destroy();
  }
}
