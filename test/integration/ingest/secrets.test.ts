// The cloud path of shared/secrets.ts: SSM SecureString parameters, decrypted and cached. There is no
// SSM emulator, so a loopback server answers GetParameter the way SSM's JSON protocol does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config.js';
import { createWhatsAppSecrets } from '../../../shared/secrets.js';

const PARAMETER = '/multi-webhook/whatsapp-app-secret';
const requests: { target: string | undefined; body: any }[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      requests.push({ target: request.headers['x-amz-target'] as string | undefined, body });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: 'secret-from-ssm', Version: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The AWS SDK's own variables (not the product's configuration): its service-specific endpoint
  // variable points Powertools' SSM client at the server.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('appSecret in the cloud', () => {
  it('reads the SecureString parameter named by WHATSAPP_APP_SECRET_PARAMETER with decryption, once for repeated calls', async () => {
    const { appSecret } = createWhatsAppSecrets(parseConfig({ WHATSAPP_APP_SECRET_PARAMETER: PARAMETER }));

    const values = [await appSecret(), await appSecret()];

    expect(values).toEqual(['secret-from-ssm', 'secret-from-ssm']);
    expect(requests).toEqual([{ target: 'AmazonSSM.GetParameter', body: { Name: PARAMETER, WithDecryption: true } }]);
  });
});
