// `npm start`: runs the whole product on this machine and tells a newcomer how to use it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { INGEST_PATH } from '../routes.js';
import { LOCAL_DEFAULTS, startLocalStack } from './local-stack.js';
import { signedPostCommand, writeSampleNotification } from './sample-notification.js';
import { writeLocalStackFile } from './state-file.js';

const startedAt = performance.now();
// The SDK's multi-line Node 20 notice would bury the banner; the banner carries it in one line.
const onNode20 = Number(process.versions.node.split('.')[0]) < 22;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const stateDir = resolve(process.env.LOCAL_STATE_DIR ?? '.local-state');
const dbPath = resolve(stateDir, 'dynamodb');
mkdirSync(dbPath, { recursive: true });

const port = Number(process.env.PORT ?? 3000);
const stack = await startLocalStack({ port, dbPath, env: process.env }).catch((error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? `port ${port} is in use; stop what uses it or set PORT=<another port>` : error.message;
  console.error(`multi-webhook could not start: ${reason}`);
  process.exit(1);
});
const forgetStateFile = writeLocalStackFile(stateDir, { dynamodbEndpoint: stack.config.DYNAMODB_ENDPOINT!, tableName: stack.config.TABLE_NAME });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack...`);
  forgetStateFile();
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const demo = stack.apiKeys[0];
const api = stack.apiUrl;
const key = demo ? demo.key : '<your key>';
const ingestUrl = `${api}${INGEST_PATH}`;
const appSecret = stack.config.WHATSAPP_APP_SECRET ?? LOCAL_DEFAULTS.WHATSAPP_APP_SECRET;
const verifyToken = stack.config.WHATSAPP_VERIFY_TOKEN ?? LOCAL_DEFAULTS.WHATSAPP_VERIFY_TOKEN;
const sampleFile = writeSampleNotification(stateDir, demo?.phoneNumber ?? '15550001111');
// One loopback receiver for every destination below: prints what arrives and answers 200.
const sink = `node -e "require('http').createServer((q,s)=>{let b='';q.on('data',c=>b+=c).on('end',()=>{console.log(q.method,q.url,q.headers['webhook-id'],b.length+' bytes');s.end()})}).listen(9000,'127.0.0.1')"`;

console.log(`
multi-webhook is running locally (ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s)
  API            ${api}   (health: ${api}/health)
  ingest         ${ingestUrl}   (Meta's POST notifications and GET verification)
  app secret     ${appSecret}   (WHATSAPP_APP_SECRET: the key of X-Hub-Signature-256)
  verify token   ${verifyToken}   (WHATSAPP_VERIFY_TOKEN)
  data           ${dbPath}   (DynamoDB Local, kept across restarts)
  queues         ${stack.sqsEndpoint}   (fauxqs SQS + S3, in memory: queued notifications do not survive a restart)
  delivery       on: the delivery function polls the notifications and retries queues
  policy         ${stack.config.DESTINATION_POLICY === 'local' ? 'local: loopback destinations (127.0.0.1, ::1, localhost) are allowed over http and with a port; every other rule applies. DESTINATION_POLICY=strict turns this off.' : 'strict: only public https destinations'}
  demo number    ${demo?.phoneNumber ?? '(none: set LOCAL_API_KEYS=<phone>:<key>)'}
  demo API key   ${key}   (LOCAL_API_KEYS=<phone>:<key>,... seeds others)

Try it:
  # 1. In another terminal, a receiver for the webhooks:
  ${sink}
  # 2. Point the demo number's primary webhook and one clone at it:
  curl -s -X POST ${api}/v1/configs/webhook -H 'D360-API-KEY: ${key}' -H 'Content-Type: application/json' \\
       -d '{"url": "http://127.0.0.1:9000/primary"}'
  curl -s -X POST ${api}/multi_webhook -H 'D360-API-KEY: ${key}' -H 'Content-Type: application/json' \\
       -d '{"enabled": true, "destinations": [{"name": "crm", "url": "http://127.0.0.1:9000/crm", "headers": {"Authorization": "Bearer secret"}}]}'
  curl -s ${api}/multi_webhook -H 'D360-API-KEY: ${key}'
  # 3. Post a signed sample notification (${sampleFile}); /primary gets it, then /crm:
  ${signedPostCommand({ ingestUrl, bodyFile: sampleFile, appSecret })}
  # Meta's verification handshake:
  curl -s '${ingestUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1234'
  # Remove the clone:
  curl -s -X DELETE '${api}/multi_webhook?name=crm' -H 'D360-API-KEY: ${key}'

Ctrl+C stops everything.${onNode20 ? '\n(Node 20 works; AWS SDK releases after January 2027 need Node 22, which the deployed functions run.)' : ''}`);
