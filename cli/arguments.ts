// The command line of `npx multi-webhook`: every command, its options, and a sentence for each mistake.
import { parseArgs } from 'node:util';
import { isPhoneNumber } from '../shared/domain/phone-number.js';
import type { QueueSource } from '../shared/domain/queues.js';

export const USAGE = `Usage:
  multi-webhook keys create --phone <digits>            prints the new key alone on stdout
  multi-webhook keys list   --phone <digits>            key ids and creation times
  multi-webhook keys revoke --phone <digits> --id <key id>
  multi-webhook dlq list    [--queue notifications|retries] [--phone <digits>] [--since <when>] [--full] [--json] [--limit <n>]
  multi-webhook dlq redrive [--queue notifications|retries] [--phone <digits>] [--since <when>] [--dry-run] [--limit <n>]
  multi-webhook smoke       [--receiver <https URL>] [--phone <digits>] [--timeout <seconds>]
  multi-webhook preflight   [--delivery-max-concurrency <n>] [--ingest-reserved-concurrency <n|off>]

  --since: dead-lettered at or after an ISO time (2026-12-01T09:00Z) or within a duration (30m, 6h, 2d).
  dlq list hides each message it reads for --hold seconds (default 120) and shows it again when done.

Target: the running local stack (npm start) by default, found from any folder through the
project's .local-state (or LOCAL_STATE_DIR, relative to the project root); --stack <name> for a
deployed stack, read from its CloudFormation outputs (AWS_REGION and credentials as for the AWS
CLI); or, for keys, TABLE_NAME (and DYNAMODB_ENDPOINT for another DynamoDB).`;

const OPTIONS = {
  phone: { type: 'string' },
  id: { type: 'string' },
  stack: { type: 'string' },
  queue: { type: 'string' },
  since: { type: 'string' },
  full: { type: 'boolean' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  hold: { type: 'string' },
  'dry-run': { type: 'boolean' },
  receiver: { type: 'string' },
  timeout: { type: 'string' },
  'delivery-max-concurrency': { type: 'string' },
  'ingest-reserved-concurrency': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

export interface DeadLetterFilter {
  queues: QueueSource[];
  phoneNumber?: string;
  /** Epoch ms: only messages dead-lettered at or after it. */
  since?: number;
}

export type Command =
  | { command: 'help' }
  | { command: 'keys create' | 'keys list'; stack?: string; phoneNumber: string }
  | { command: 'keys revoke'; stack?: string; phoneNumber: string; keyId: string }
  | { command: 'dlq list'; stack?: string; filter: DeadLetterFilter; full: boolean; json: boolean; limit: number; holdSeconds: number }
  | { command: 'dlq redrive'; stack?: string; filter: DeadLetterFilter; dryRun: boolean; limit: number; holdSeconds: number }
  | { command: 'smoke'; stack?: string; receiver?: string; phoneNumber?: string; timeoutSeconds: number }
  | { command: 'preflight'; stack?: string; deliveryMaxConcurrency?: number; ingestReservedConcurrency?: number | 'off' };

/** A mistake on the command line: exit code 2, the sentence, and the usage unless the sentence is enough. */
export interface Mistake {
  problem?: string;
  withUsage: boolean;
}

const ALLOWED: Record<Exclude<Command['command'], 'help'>, OptionName[]> = {
  'keys create': ['phone', 'stack'],
  'keys list': ['phone', 'stack'],
  'keys revoke': ['phone', 'id', 'stack'],
  'dlq list': ['queue', 'phone', 'since', 'full', 'json', 'limit', 'hold', 'stack'],
  'dlq redrive': ['queue', 'phone', 'since', 'dry-run', 'limit', 'hold', 'stack'],
  smoke: ['receiver', 'phone', 'timeout', 'stack'],
  preflight: ['delivery-max-concurrency', 'ingest-reserved-concurrency', 'stack'],
};

const GROUPS: Record<string, string[] | undefined> = {
  keys: ['create', 'list', 'revoke'],
  dlq: ['list', 'redrive'],
  smoke: [],
  preflight: [],
};

export const DEFAULT_DLQ_LIMIT = 1000;
export const DEFAULT_HOLD_SECONDS = 120;
export const DEFAULT_SMOKE_TIMEOUT_SECONDS = 30;

export function parseCommand(argv: readonly string[], now: number): Command | Mistake {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // parseArgs's own sentence ("Unknown option '--phon'..."), then what is allowed.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_')) return { problem: (error as Error).message, withUsage: true };
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [group, action, ...extra] = positionals;
  const actions = group === undefined ? undefined : GROUPS[group];
  if (actions === undefined) return { problem: group === undefined ? undefined : `Unknown command "${group}".`, withUsage: true };
  if (actions.length > 0 && (action === undefined || !actions.includes(action))) {
    return { problem: action === undefined ? `${group} needs a command.` : `Unknown ${group} command "${action}".`, withUsage: true };
  }
  const rest = actions.length > 0 ? extra : [action, ...extra].filter((word) => word !== undefined);
  if (rest.length > 0) return { problem: `Unexpected argument "${rest[0]}".`, withUsage: true };
  const name = (actions.length > 0 ? `${group} ${action}` : group) as Exclude<Command['command'], 'help'>;
  const misplaced = (Object.keys(values) as OptionName[]).find((option) => !ALLOWED[name].includes(option));
  if (misplaced) return { problem: `--${misplaced} does not apply to ${name}.`, withUsage: true };
  try {
    return commandOf(name, values, now);
  } catch (error) {
    if (error instanceof ArgumentProblem) return { problem: error.message, withUsage: false };
    throw error;
  }
}

class ArgumentProblem extends Error {}

type Values = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function commandOf(name: Exclude<Command['command'], 'help'>, values: Values, now: number): Command {
  const { stack } = values;
  switch (name) {
    case 'keys create':
    case 'keys list':
      return { command: name, stack, phoneNumber: phone(values.phone, true)! };
    case 'keys revoke':
      if (!values.id) throw new ArgumentProblem('revoke needs --id <key id> (see keys list).');
      return { command: name, stack, phoneNumber: phone(values.phone, true)!, keyId: values.id };
    case 'dlq list':
    case 'dlq redrive': {
      const common = {
        stack,
        filter: filterOf(values, now),
        limit: count(values.limit, 'limit', DEFAULT_DLQ_LIMIT, 1, 100_000),
        // SQS allows a visibility timeout of up to 12 hours.
        holdSeconds: count(values.hold, 'hold', DEFAULT_HOLD_SECONDS, 10, 43_200),
      };
      return name === 'dlq list'
        ? { command: name, ...common, full: values.full === true, json: values.json === true }
        : { command: name, ...common, dryRun: values['dry-run'] === true };
    }
    case 'smoke':
      return {
        command: name,
        stack,
        receiver: receiverOf(values.receiver),
        phoneNumber: phone(values.phone, false),
        timeoutSeconds: count(values.timeout, 'timeout', DEFAULT_SMOKE_TIMEOUT_SECONDS, 1, 900),
      };
    case 'preflight': {
      const reserved = values['ingest-reserved-concurrency'];
      return {
        command: name,
        stack,
        deliveryMaxConcurrency: optionalCount(values['delivery-max-concurrency'], 'delivery-max-concurrency', 2, 1000),
        ingestReservedConcurrency: reserved === 'off' ? 'off' : optionalCount(reserved, 'ingest-reserved-concurrency', 1, 10_000),
      };
    }
  }
}

function phone(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (!isPhoneNumber(value ?? '')) throw new ArgumentProblem('--phone must be the phone number as 6 to 15 digits, without + or spaces.');
  return value;
}

function filterOf(values: Values, now: number): DeadLetterFilter {
  const { queue } = values;
  if (queue !== undefined && queue !== 'notifications' && queue !== 'retries') {
    throw new ArgumentProblem(`--queue must be notifications or retries, not "${queue}".`);
  }
  return {
    queues: queue === undefined ? ['notifications', 'retries'] : [queue],
    ...(values.phone !== undefined && { phoneNumber: phone(values.phone, true) }),
    ...(values.since !== undefined && { since: parseSince(values.since, now) }),
  };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** An ISO time, or a duration back from now: 90s, 30m, 6h, 2d. */
export function parseSince(value: string, now: number): number {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) return now - Number(duration[1]) * UNIT_SECONDS[duration[2]!]! * 1000;
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) {
    throw new ArgumentProblem(`--since must be an ISO time (2026-12-01T09:00Z) or a duration (90s, 30m, 6h, 2d), not "${value}".`);
  }
  if (at > now) throw new ArgumentProblem(`--since ${value} is in the future.`);
  return at;
}

function receiverOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgumentProblem(`--receiver must be a URL, not "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ArgumentProblem('--receiver must be an https URL.');
  return value;
}

function count(value: string | undefined, option: string, fallback: number, min: number, max: number): number {
  return optionalCount(value, option, min, max) ?? fallback;
}

function optionalCount(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ArgumentProblem(`--${option} must be a whole number from ${min} to ${max}, not "${value}".`);
  }
  return parsed;
}
