// `npx multi-webhook keys create|list|revoke`: API keys for the local stack or a deployed table.
import { parseArgs } from 'node:util';
import { readLocalStackFile } from '../infra/local/state-file.js';
import { parseConfig } from '../shared/config.js';
import { isPhoneNumber } from '../shared/domain/phone-number.js';
import type { ApiKeyStore } from '../shared/domain/api-key.js';
import { createServices } from '../shared/services.js';

const USAGE = `Usage:
  multi-webhook keys create --phone <digits>            prints the new key alone on stdout
  multi-webhook keys list   --phone <digits>            key ids and creation times
  multi-webhook keys revoke --phone <digits> --id <key id>

Target: the running local stack (npm start) by default; set TABLE_NAME (and AWS_REGION and
credentials as for the AWS CLI) for a deployed stack, or DYNAMODB_ENDPOINT for another DynamoDB.`;


async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { phone: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [group, command] = positionals;
  if (values.help || group !== 'keys' || !command) return usage(values.help ? 0 : 2);
  const phone = values.phone ?? '';
  if (!isPhoneNumber(phone)) return fail('--phone must be the phone number as 6 to 15 digits, without + or spaces.');

  const store = storeForTarget();
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
    case 'revoke': {
      if (!values.id) return fail('revoke needs --id <key id> (see keys list).');
      await store.revoke(phone, values.id);
      process.stderr.write(`Revoked key ${values.id}. It stops working at once, locally and deployed (the authorizer has no cache).\n`);
      return 0;
    }
    default:
      return usage(2);
  }
}

function storeForTarget(): ApiKeyStore {
  const explicit = process.env.TABLE_NAME !== undefined || process.env.DYNAMODB_ENDPOINT !== undefined;
  const env = explicit ? process.env : { ...process.env, ...localStackTarget() };
  return createServices(parseConfig(env)).apiKeys;
}

function localStackTarget(): { DYNAMODB_ENDPOINT: string; TABLE_NAME: string } {
  const target = readLocalStackFile(process.env.LOCAL_STATE_DIR ?? '.local-state');
  if (!target) throw new UserError('No local stack found: start it with `npm start`, or set TABLE_NAME for a deployed stack.');
  return { DYNAMODB_ENDPOINT: target.dynamodbEndpoint, TABLE_NAME: target.tableName };
}

class UserError extends Error {}

function usage(code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${USAGE}\n`);
  return code;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UserError || (error instanceof Error && 'status' in error);
    process.stderr.write(`${known ? (error as Error).message : `Failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
    process.exit(1);
  },
);
