// Watches what the product sends to DynamoDB and SQS (through the SDK middleware of the clients the
// functions share in this process), so a test can say "a refused request wrote nothing".
import { sqsClient } from '../../../shared/queue/aws-clients.js';
import { dynamoClient } from '../../../shared/store/dynamo-client.js';

export interface AwsCall {
  service: 'dynamodb' | 'sqs';
  /** The SDK command name, e.g. TransactWriteItemsCommand, SendMessageBatchCommand. */
  command: string;
  /** The command's input as the product built it (document form for DynamoDB). */
  input: Record<string, unknown>;
  /** Whether the service accepted it (a cancelled transaction is a call that did not succeed). */
  succeeded: boolean;
}

const DYNAMODB_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

export interface AwsTraffic {
  readonly calls: readonly AwsCall[];
  /** Where the log stands now; pass it to `since` to see what happened after. */
  mark(): number;
  since(mark: number): AwsCall[];
  /** DynamoDB writes that took effect after the mark (only those naming `phoneNumber`, when given). */
  writesSince(mark: number, phoneNumber?: string): AwsCall[];
}

let installed: AwsTraffic | undefined;

/**
 * Starts recording, once per process: call it after the stack started (the clients read the
 * stack's configuration when first built).
 */
export function watchAwsTraffic(): AwsTraffic {
  if (installed) return installed;
  const calls: AwsCall[] = [];
  const watch = (service: AwsCall['service']) =>
    ((next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const call: AwsCall = { service, command: context.commandName ?? 'unknown', input: args.input, succeeded: false };
        calls.push(call);
        const result = await next(args);
        call.succeeded = true;
        return result;
      }) as never;
  dynamoClient().middlewareStack.add(watch('dynamodb'), { step: 'initialize', name: 'reliabilityTrafficWatch' });
  sqsClient().middlewareStack.add(watch('sqs'), { step: 'initialize', name: 'reliabilityTrafficWatch' });
  installed = {
    calls,
    mark: () => calls.length,
    since: (mark) => calls.slice(mark),
    writesSince: (mark, phoneNumber) =>
      calls
        .slice(mark)
        .filter((call) => call.service === 'dynamodb' && call.succeeded && DYNAMODB_WRITES.has(call.command))
        .filter((call) => phoneNumber === undefined || JSON.stringify(call.input).includes(phoneNumber)),
  };
  return installed;
}
