// The port of the local receiver the banner offers: RECEIVER_PORT, else 9000 when it is free, else a free one.
import { createServer } from 'node:net';
import { freePort } from './free-port.js';

export const DEFAULT_RECEIVER_PORT = 9000;

export interface ReceiverPort {
  port: number;
  /** Why the banner's receiver is not on the port the user might expect, when it is not. */
  note?: string;
}

export async function chooseReceiverPort(requested: number | undefined): Promise<ReceiverPort> {
  if (requested !== undefined) {
    return (await isPortFree(requested))
      ? { port: requested }
      : {
          port: requested,
          note: `RECEIVER_PORT ${requested} is in use now: the receiver below cannot start while it is (unless it is yours, already running)`,
        };
  }
  if (await isPortFree(DEFAULT_RECEIVER_PORT)) return { port: DEFAULT_RECEIVER_PORT };
  const port = await freePort();
  return { port, note: `port ${DEFAULT_RECEIVER_PORT} is in use, so the receiver below uses ${port}; RECEIVER_PORT=<port> chooses one` };
}

/** Whether a listener could bind the port on 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
