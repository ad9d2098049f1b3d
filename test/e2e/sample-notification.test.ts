// The signed sample `npm start` prints works: run as printed, in any folder, it reaches the primary and then the clone.
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signedPostCommand, writeSampleNotification } from '../../infra/local/sample-notification.js';
import { PROJECT_ROOT } from '../../infra/local/state-file.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';

const run = promisify(execFile);
const hasShellTools = await run('sh', ['-c', 'command -v curl && command -v openssl']).then(
  () => true,
  () => false,
);

let stack: TestStack;
let sink: Sink;
/** Inside the project, like the default .local-state, where the sample of `npm start` lives. */
const dir = resolve(PROJECT_ROOT, '.local-state', `sample-notification-test-${randomUUID()}`);
/** Where the user pastes the command: anywhere but the project. */
let elsewhere: string;
beforeAll(async () => {
  [stack, sink] = await Promise.all([startTestStack({ numbers: 1 }), startSink()]);
  mkdirSync(dir, { recursive: true });
  elsewhere = mkdtempSync(join(tmpdir(), 'sample-notification-cwd-'));
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

it.skipIf(!hasShellTools)(
  'delivers the printed, signed sample pasted in another folder to the primary and then to the clone, byte for byte',
  async () => {
    const [client] = stack.clients;
    expect((await client!.post('/v1/configs/webhook', { url: `${sink.url}/primary` })).status).toBe(200);
    expect((await client!.post('/multi_webhook', { enabled: true, destinations: [{ name: 'crm', url: `${sink.url}/crm` }] })).status).toBe(
      200,
    );
    const bodyFile = writeSampleNotification(dir, client!.phoneNumber);
    const appSecret = stack.config.WHATSAPP_APP_SECRET!;

    const { stdout } = await run('sh', ['-c', signedPostCommand({ ingestUrl: `${stack.apiUrl}/webhooks/whatsapp`, bodyFile, appSecret })], {
      cwd: elsewhere,
    });

    expect(JSON.parse(stdout)).toEqual({ status: 'queued' });
    const [primary, clone] = await sink.waitForRequests(2, 15_000);
    const body = readFileSync(bodyFile);
    expect([primary!.path, clone!.path]).toEqual(['/primary', '/crm']);
    expect(primary!.body.equals(body) && clone!.body.equals(body)).toBe(true);
    expect(primary!.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`);
  },
);
