// `npx multi-webhook keys create|list|revoke`: API keys for the local stack or a deployed table.
import { parseArgs } from 'node:util';
import { answers, findLocalStack, stateDirectory } from '../infra/local/state-file.js';
import { InvalidEnvironment, parseConfig } from '../shared/config.js';
import { isPhoneNumber } from '../shared/domain/phone-number.js';
import type { ApiKeyStore } from '../shared/domain/api-key.js';
import { createServices } from '../shared/services.js';

const USAGE = `Usage:
  multi-webhook keys create --phone <digits>            prints the new key alone on stdout
  multi-webhook keys list   --phone <digits>            key ids and creation times
  multi-webhook keys revoke --phone <digits> --id <key id>

Target: the running local stack (npm start) by default, found from any folder through the
project's .local-state (or LOCAL_STATE_DIR, relative to the project root); set TABLE_NAME (and
AWS_REGION and credentials as for the AWS CLI) for a deployed stack, or DYNAMODB_ENDPOINT for
another DynamoDB.`;

const OPTIONS = { phone: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const COMMANDS = ['create', 'list', 'revoke'];

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // parseArgs's own sentence ("Unknown option '--phon'..."), then what is allowed.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_')) return usage(2, (error as Error).message);
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) return usage(0);
  const [group, command, ...extra] = positionals;
  if (group !== 'keys') return usage(2, group === undefined ? undefined : `Unknown command "${group}".`);
  if (command === undefined || !COMMANDS.includes(command))
    return usage(2, command === undefined ? 'keys needs a command.' : `Unknown keys command "${command}".`);
  if (extra.length > 0) return usage(2, `Unexpected argument "${extra[0]}".`);
  const phone = values.phone ?? '';
  if (!isPhoneNumber(phone)) return fail('--phone must be the phone number as 6 to 15 digits, without + or spaces.');
  if (command === 'revoke' && !values.id) return fail('revoke needs --id <key id> (see keys list).');

  const store = await storeForTarget();
  switch (command) {
    case 'create': {
      const { key, keyId } = await store.create(phone);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`Created key ${keyId} for ${phone}. It is shown only once; store it now.\n`);
      return 0;
    }
    case 'list': {
      const keys = await store.list(phone);
      if (keys.length === 0) process.stderr.write(`No keys for ${phone}.\n`);
      for (const { keyId, createdAt } of keys) process.stdout.write(`${keyId}\t${createdAt}\n`);
      return 0;
    }
    default: {
      await store.revoke(phone, values.id!);
      process.stderr.write(`Revoked key ${values.id}. It stops working at once, locally and deployed (the authorizer has no cache).\n`);
      return 0;
    }
  }
}

async function storeForTarget(): Promise<ApiKeyStore> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (process.env.TABLE_NAME !== undefined || endpoint !== undefined) {
    const config = parseConfig(process.env);
    if (endpoint !== undefined && !(await answers(endpoint, 3000)))
      throw new UserError(`Nothing answers at DYNAMODB_ENDPOINT=${endpoint}: start that DynamoDB, or unset DYNAMODB_ENDPOINT to use AWS.`);
    return createServices(config).apiKeys;
  }
  const found = await findLocalStack(stateDirectory(process.env.LOCAL_STATE_DIR));
  const hint = 'Start it with `npm start`, or set TABLE_NAME for a deployed stack.';
  if (found.state === 'absent') throw new UserError(`No local stack is running (there is no ${found.file}). ${hint}`);
  if (found.state === 'stale')
    throw new UserError(`No local stack is running: ${found.file} is left from one that did not stop cleanly (${found.reason}). ${hint}`);
  const { dynamodbEndpoint, tableName } = found.target;
  return createServices(parseConfig({ ...process.env, DYNAMODB_ENDPOINT: dynamodbEndpoint, TABLE_NAME: tableName })).apiKeys;
}

class UserError extends Error {}

function usage(code: number, problem?: string): number {
  (code === 0 ? process.stdout : process.stderr).write(`${problem ? `${problem}\n\n` : ''}${USAGE}\n`);
  return code;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UserError || error instanceof InvalidEnvironment || (error instanceof Error && 'status' in error);
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `${known ? message : refused ? `DynamoDB stopped answering (${message}): is the stack still running?` : `Failed: ${message}`}\n`,
    );
    process.exit(1);
  },
);
