// `npm start`: runs the whole product on this machine and tells a newcomer how to use it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalStack } from './local-stack.js';

const stateDir = resolve(process.env.LOCAL_STATE_DIR ?? '.local-state');
const dbPath = resolve(stateDir, 'dynamodb');
mkdirSync(dbPath, { recursive: true });

const stack = await startLocalStack({ port: Number(process.env.PORT ?? 3000), dbPath, env: process.env });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack...`);
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const demo = stack.apiKeys[0];
const api = stack.apiUrl;
const key = demo ? demo.key : '<your key>';
console.log(`
multi-webhook is running locally
  API            ${api}   (health: ${api}/health)
  data           ${dbPath}   (DynamoDB Local, kept across restarts)
  policy         ${stack.config.DESTINATION_POLICY === 'local' ? 'local: loopback destinations (127.0.0.1, ::1, localhost) are allowed over http and with a port; every other rule applies. DESTINATION_POLICY=strict turns this off.' : 'strict: only public https destinations'}
  demo number    ${demo?.phoneNumber ?? '(none: set LOCAL_API_KEYS=<phone>:<key>)'}
  demo API key   ${key}   (LOCAL_API_KEYS=<phone>:<key>,... seeds others)

Try it:
  curl -s -X POST ${api}/v1/configs/webhook -H 'D360-API-KEY: ${key}' -H 'Content-Type: application/json' \\
       -d '{"url": "http://127.0.0.1:9000/primary"}'
  curl -s -X POST ${api}/multi_webhook -H 'D360-API-KEY: ${key}' -H 'Content-Type: application/json' \\
       -d '{"enabled": true, "destinations": [{"name": "crm", "url": "http://127.0.0.1:9001/crm", "headers": {"Authorization": "Bearer secret"}}]}'
  curl -s ${api}/multi_webhook -H 'D360-API-KEY: ${key}'
  curl -s -X DELETE '${api}/multi_webhook?name=crm' -H 'D360-API-KEY: ${key}'

Ctrl+C stops everything.`);
