// What `npm start` prints once the stack is up: where everything is, and commands that work pasted in any folder.
import type { DestinationPolicy } from '../../shared/domain/address-policy.js';
import { MAX_ADDITIONAL_WEBHOOKS } from '../../shared/domain/limits.js';
import type { PhoneConfig } from '../../shared/domain/webhook.js';
import { signedPostCommand } from './sample-notification.js';
import { shellQuote } from './shell-quote.js';

export interface BannerFacts {
  apiUrl: string;
  ingestUrl: string;
  appSecret: string;
  verifyToken: string;
  dbPath: string;
  sqsEndpoint: string;
  policy: DestinationPolicy;
  /** The first key LOCAL_API_KEYS seeded; undefined when it seeds none. */
  demo: { phoneNumber: string; key: string } | undefined;
  /** What the demo number (or FALLBACK_PHONE) has configured now (data is kept across restarts), so the commands fit it. */
  demoConfig: PhoneConfig;
  /** Absolute path of the signed sample's body. */
  sampleFile: string;
  /** Absolute path of the CLI entry (bin/multi-webhook.js), for a key when none is seeded. */
  cliPath: string;
  /** LOCAL_STATE_DIR as the CLI must see it to find this stack; undefined when it is the default. */
  stateDirForCli: string | undefined;
  receiver: { port: number; note?: string };
  readySeconds: number;
  onNode20: boolean;
}

/** The phone number the commands and the sample are for when LOCAL_API_KEYS seeds no key. */
export const FALLBACK_PHONE = '15550001111';
const CLONE_NAME = 'crm';
const CLONE_HEADERS = { Authorization: 'Bearer secret' };

export function localBanner(facts: BannerFacts): string {
  const { apiUrl, ingestUrl, policy, demo } = facts;
  const policyLine =
    policy === 'local'
      ? 'local: loopback destinations (127.0.0.1, ::1, localhost) are allowed over http and with a port; every other rule applies. DESTINATION_POLICY=strict turns this off.'
      : 'strict: only public https destinations; loopback receivers (127.0.0.1, ::1, localhost) are refused.';
  return `
multi-webhook is running locally (ready in ${facts.readySeconds.toFixed(1)} s)
  API            ${apiUrl}   (health: ${apiUrl}/health, OpenAPI: ${apiUrl}/openapi.json)
  ingest         ${ingestUrl}   (Meta's POST notifications and GET verification)
  app secret     ${facts.appSecret}   (WHATSAPP_APP_SECRET: the key of X-Hub-Signature-256)
  verify token   ${facts.verifyToken}   (WHATSAPP_VERIFY_TOKEN)
  data           ${facts.dbPath}   (DynamoDB Local, kept across restarts)
  queues         ${facts.sqsEndpoint}   (fauxqs SQS + S3, in memory: queued notifications do not survive a restart)
  delivery       on: the delivery function polls the notifications and retries queues
  policy         ${policyLine}
  demo number    ${demo?.phoneNumber ?? '(none: LOCAL_API_KEYS seeds no key; the commands below create one)'}
  demo API key   ${demo ? `${demo.key}   (LOCAL_API_KEYS=<phone>:<key>,... seeds others)` : '(none)'}

Try it (every command works pasted in any folder):
${tryIt(facts)
  .map((line) => `  ${line}`)
  .join('\n')}

Ctrl+C (or SIGTERM, SIGHUP) stops everything.${facts.onNode20 ? '\n(Node 20 works; AWS SDK releases after January 2027 need Node 22, which the deployed functions run.)' : ''}`;
}

/** The commands of "Try it", with their comment lines: a receiver and webhooks in local mode, what works in strict mode. */
export function tryIt(facts: BannerFacts): string[] {
  const { apiUrl, ingestUrl, demo } = facts;
  const lines: string[] = [];
  if (!demo) {
    const stateDir = facts.stateDirForCli === undefined ? '' : `LOCAL_STATE_DIR=${shellQuote(facts.stateDirForCli)} `;
    lines.push(
      `# 0. A key for the demo number (the commands below read it from $KEY):`,
      `KEY=$(${stateDir}node ${shellQuote(facts.cliPath)} keys create --phone ${FALLBACK_PHONE})`,
    );
  }
  const keyHeader = demo ? shellQuote(`D360-API-KEY: ${demo.key}`) : '"D360-API-KEY: $KEY"';
  const call = (method: string, path: string, body?: unknown) =>
    `curl -s${method === 'GET' ? '' : ` -X ${method}`} ${shellQuote(`${apiUrl}${path}`)} -H ${keyHeader}${body === undefined ? '' : ` -H 'Content-Type: application/json' \\\n       -d ${shellQuote(JSON.stringify(body))}`}`;
  const sample = signedPostCommand({ ingestUrl, bodyFile: facts.sampleFile, appSecret: facts.appSecret });
  const handshake = `curl -s ${shellQuote(`${ingestUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(facts.verifyToken)}&hub.challenge=1234`)}`;

  if (facts.policy === 'strict') {
    lines.push(
      '# Strict policy (DESTINATION_POLICY=strict): loopback receivers are refused, so no local receiver is',
      '# offered. Webhooks must be public https URLs you control; to set the primary, with your URL:',
      ...call('POST', '/v1/configs/webhook', { url: 'https://<your receiver>/primary' })
        .split('\n')
        .map((line) => `#   ${line}`),
      `# The demo number's webhooks:`,
      call('GET', '/multi_webhook'),
      `# Post a signed sample notification (${facts.sampleFile}); it is delivered once a primary is set:`,
      sample,
      `# Meta's verification handshake:`,
      handshake,
    );
    return lines;
  }

  const receiverUrl = `http://127.0.0.1:${facts.receiver.port}`;
  // One loopback receiver for every destination below: prints what arrives and answers 200.
  const sink = `node -e "require('http').createServer((q,s)=>{let b='';q.on('data',c=>b+=c).on('end',()=>{console.log(q.method,q.url,q.headers['webhook-id'],b.length+' bytes');s.end()})}).listen(${facts.receiver.port},'127.0.0.1')"`;
  const clone = cloneCommands(facts.demoConfig, { name: CLONE_NAME, url: `${receiverUrl}/${CLONE_NAME}`, headers: CLONE_HEADERS }, call);
  lines.push(
    `# 1. In another terminal, a receiver for the webhooks${facts.receiver.note ? ` (${facts.receiver.note})` : ''}:`,
    sink,
    `# 2. Point the demo number's primary webhook and one clone at it:`,
    call('POST', '/v1/configs/webhook', { url: `${receiverUrl}/primary` }),
    ...clone.lines,
    call('GET', '/multi_webhook'),
    `# 3. Post a signed sample notification (${facts.sampleFile}); /primary gets it, then /${CLONE_NAME}:`,
    sample,
    `# Meta's verification handshake:`,
    handshake,
  );
  if (clone.removable) lines.push('# Remove the clone:', call('DELETE', `/multi_webhook?name=${CLONE_NAME}`));
  return lines;
}

/**
 * The commands that leave the clone enabled and pointing at the receiver, from the number's current
 * state: an enable on a fresh number would answer 409 after a restart, since data is kept.
 */
function cloneCommands(
  config: PhoneConfig,
  wanted: { name: string; url: string; headers: Record<string, string> },
  call: (method: string, path: string, body?: unknown) => string,
): { lines: string[]; removable: boolean } {
  const existing = config.destinations.find((destination) => destination.name === wanted.name);
  if (!existing) {
    if (!config.enabled) return { lines: [call('POST', '/multi_webhook', { enabled: true, destinations: [wanted] })], removable: true };
    if (config.destinations.length >= MAX_ADDITIONAL_WEBHOOKS) {
      return {
        lines: [
          `# (The demo number has ${MAX_ADDITIONAL_WEBHOOKS} clones already, the cap, and none named "${wanted.name}": delete one to add it.)`,
        ],
        removable: false,
      };
    }
    return { lines: [call('PUT', '/multi_webhook', { destinations: [wanted] })], removable: true };
  }
  const lines = config.enabled ? [] : [call('POST', '/multi_webhook', { enabled: true })];
  const current = existing.url === wanted.url && JSON.stringify(existing.headers) === JSON.stringify(wanted.headers);
  if (!current) lines.push(call('PATCH', '/multi_webhook', wanted));
  if (lines.length === 0) lines.push(`# (The clone "${wanted.name}" is enabled and points at ${wanted.url} already.)`);
  return { lines, removable: true };
}
