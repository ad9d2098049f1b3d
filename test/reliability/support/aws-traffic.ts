// Watches what the product sends to DynamoDB and SQS (through the SDK middleware of the clients a
// stack's functions share), so a test can say "a refused request wrote nothing".
import type { Services } from '../../../shared/services.js';

export interface AwsCall {
  service: 'dynamodb' | 'sqs';
  /** The SDK command name, e.g. TransactWriteItemsCommand, SendMessageBatchCommand. */
  command: string;
  /** The command's input as the product built it (document form for DynamoDB). */
  input: Record<string, unknown>;
  /** Whether the service accepted it (a cancelled transaction is a call that did not succeed). */
  succeeded: boolean;
}

const DYNAMODB_WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

export interface AwsTraffic {
  readonly calls: readonly AwsCall[];
  /** Where the log stands now; pass it to `since` to see what happened after. */
  mark(): number;
  since(mark: number): AwsCall[];
  /** DynamoDB writes that took effect after the mark (only those naming `phoneNumber`, when given). */
  writesSince(mark: number, phoneNumber?: string): AwsCall[];
}

const installed = new WeakMap<Services, AwsTraffic>();

/** Starts recording what these services send, once per set of services. */
export function watchAwsTraffic(services: Services): AwsTraffic {
  const existing = installed.get(services);
  if (existing) return existing;
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
  services.clients.dynamo.middlewareStack.add(watch('dynamodb'), { step: 'initialize', name: 'reliabilityTrafficWatch' });
  services.clients.sqs.middlewareStack.add(watch('sqs'), { step: 'initialize', name: 'reliabilityTrafficWatch' });
  const traffic: AwsTraffic = {
    calls,
    mark: () => calls.length,
    since: (mark) => calls.slice(mark),
    writesSince: (mark, phoneNumber) =>
      calls
        .slice(mark)
        .filter((call) => call.service === 'dynamodb' && call.succeeded && DYNAMODB_WRITES.has(call.command))
        .filter((call) => phoneNumber === undefined || JSON.stringify(call.input).includes(phoneNumber)),
  };
  installed.set(services, traffic);
  return traffic;
}
