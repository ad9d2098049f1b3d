// Faults the emulators cannot produce (throttling, a service error), injected into an AWS SDK client's
// middleware stack after its retry middleware, so the SDK's own retry strategy sees them as it would
// see the service's answer.
import { randomUUID } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';

type Next = (args: { input: unknown }) => Promise<unknown>;
type Middleware = (next: Next, context: { commandName?: string }) => (args: { input: unknown }) => Promise<unknown>;

/** The part of an SDK client's middleware stack this needs; every v3 client (and the document client) has it. */
export interface WithMiddleware {
  middlewareStack: { add(middleware: never, options: never): void; remove(name: string): boolean };
}

export interface InjectedFault {
  /** How many calls failed so far. */
  readonly injected: number;
  /** How many matching calls went through the stack, failed or not, each SDK retry counted. */
  readonly calls: number;
  remove(): void;
}

export interface FaultPlan {
  /** The SDK command name, e.g. 'QueryCommand', 'PutCommand', 'SendMessageBatchCommand'. */
  command: string;
  /** Fail this many matching calls (each SDK retry is a call), then let calls through. */
  times: number;
  /** Which calls of the command to fail (default: all), given the serialized-ready input. */
  matches?: (input: Record<string, unknown>) => boolean;
  error: () => Error;
}

export function injectFault(client: WithMiddleware, plan: FaultPlan): InjectedFault {
  const name = `injectedFault-${randomUUID()}`;
  let injected = 0;
  let calls = 0;
  const middleware: Middleware = (next, context) => async (args) => {
    if (context.commandName !== plan.command || !(plan.matches?.(args.input as Record<string, unknown>) ?? true)) return next(args);
    calls++;
    if (injected < plan.times) {
      injected++;
      throw plan.error();
    }
    return next(args);
  };
  // finalizeRequest with low priority runs inside the retry middleware (finalizeRequest, high), where a
  // service error would surface: the SDK decides to retry it, backs off and counts it like a real one.
  client.middlewareStack.add(middleware as never, { step: 'finalizeRequest', priority: 'low', name } as never);
  return {
    get injected() {
      return injected;
    },
    get calls() {
      return calls;
    },
    remove: () => void client.middlewareStack.remove(name),
  };
}

/** What DynamoDB answers when a table or partition is over its throughput: HTTP 400, a throttling error. */
export function throughputExceeded(): Error {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded. (injected by the test)',
    $metadata: { httpStatusCode: 400, requestId: randomUUID() },
  });
}

/** What SQS answers when it has an internal error: HTTP 500, which the SDK retries as transient. */
export function sqsInternalError(): Error {
  return Object.assign(new Error('We encountered an internal error. Please try again. (injected by the test)'), {
    name: 'InternalError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500, requestId: randomUUID() },
  });
}
