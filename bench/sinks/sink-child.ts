// The benchmark webhook receiver, run as a child process: node:http on loopback ports answering 200, counting per path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SinkCommand, SinkReport } from './protocol.js';

const ports = Number(process.env.SINK_PORTS ?? '1');
const delayMs = Number(process.env.SINK_DELAY_MS ?? '0');
const counts = new Map<string, number>();
let total = 0;
const cpuAtStart = process.cpuUsage();
const startedAt = performance.now();

function answer(res: ServerResponse): void {
  res.statusCode = 200;
  res.end();
}

// The request body is read to its end before the answer, as a real webhook receiver would.
function listener(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.once('end', () => {
    const path = req.url ?? '';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    total++;
    if (delayMs > 0) setTimeout(answer, delayMs, res);
    else answer(res);
  });
}

function listen(): Promise<Server> {
  const server = createServer({ keepAliveTimeout: 65_000 }, listener);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const servers = await Promise.all(Array.from({ length: ports }, listen));

function report(command: SinkCommand): SinkReport {
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    id: command.id,
    total,
    byPath: command.byPath ? Object.fromEntries(counts) : undefined,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - startedAt,
  };
}

process.on('message', (command: SinkCommand) => {
  if (command.type === 'reset') {
    counts.clear();
    total = 0;
  }
  process.send?.(report(command));
});
// Gone with the benchmark that started it, even when that one crashed.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true, ports: servers.map((server) => (server.address() as AddressInfo).port) });
