// Meta and the webhook receivers of one benchmark tenant, in a process of their own: what they do costs
// the stack under test no event-loop time, as on the internet. Driven over IPC (protocol.ts).
import { startSink, type Sink } from '../../test/helpers/sink-server.js';
import { startHungSink } from '../lib/hung-sink.js';
import { markerIn, postAtRate } from '../lib/paced-posts.js';
import type { Arrival, WorldAnswer, WorldCommand } from './protocol.js';

const sinks = new Map<string, Sink>();

async function answer(command: WorldCommand): Promise<WorldAnswer> {
  switch (command.type) {
    case 'sink': {
      const sink = command.hungAfterMs === undefined ? await startSink() : await startHungSink(command.hungAfterMs);
      sinks.set(command.name, sink);
      return { id: command.id, url: sink.url };
    }
    case 'post':
      return { id: command.id, posts: await postAtRate(command.options) };
    case 'arrivals': {
      const requests = sinks.get(command.name)?.requests ?? [];
      const arrivals: Arrival[] = requests.slice(command.since).map((request) => ({
        path: request.path,
        receivedAt: request.receivedAt,
        marker: markerIn(request.body),
      }));
      return { id: command.id, arrivals };
    }
    case 'close':
      await Promise.all([...sinks.values()].map((sink) => sink.close()));
      return { id: command.id, closed: true };
  }
}

process.on('message', (command: WorldCommand) => {
  answer(command).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ id: command.id, error: String(error) }),
  );
});
// Gone with the benchmark that started it, even when that one crashed.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
