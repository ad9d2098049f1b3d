// The banner's receiver gets a port it can listen on, or the banner says why not.
import { createServer, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { freePort } from '../../../infra/local/free-port.js';
import { chooseReceiverPort, DEFAULT_RECEIVER_PORT, isPortFree } from '../../../infra/local/receiver-port.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Occupies the port on 127.0.0.1; when something else holds it already, it is occupied all the same. */
async function occupy(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.once('error', () => resolve());
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      resolve();
    });
  });
}

it('moves to a free port, and says so, when 9000 is in use and RECEIVER_PORT is not set', async () => {
  await occupy(DEFAULT_RECEIVER_PORT);

  const chosen = await chooseReceiverPort(undefined);

  expect(chosen.port).not.toBe(DEFAULT_RECEIVER_PORT);
  expect(await isPortFree(chosen.port)).toBe(true);
  expect(chosen.note).toBe(`port 9000 is in use, so the receiver below uses ${chosen.port}; RECEIVER_PORT=<port> chooses one`);
});

it('keeps RECEIVER_PORT when it is taken, and warns that the receiver cannot start while it is', async () => {
  const port = await freePort();
  await occupy(port);

  expect(await chooseReceiverPort(port)).toEqual({ port, note: expect.stringMatching(`^RECEIVER_PORT ${port} is in use now`) });
});

it('takes RECEIVER_PORT as it is when it is free', async () => {
  const port = await freePort();
  expect(await chooseReceiverPort(port)).toEqual({ port });
});
