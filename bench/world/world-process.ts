// Starts an outside-world child process (posts as Meta, receives as webhooks) and talks to it.
import { forkChild } from '../lib/child-ipc.js';
import type { PacedPost, PacedPostOptions } from '../lib/paced-posts.js';
import type { Arrival, WorldAnswer, WorldCommand } from './protocol.js';

/** What is distributed over a union: each command without its id. */
type Request = WorldCommand extends infer C ? (C extends WorldCommand ? Omit<C, 'id'> : never) : never;

export interface World {
  /** Starts a receiver (hung: accepts and answers only after `hungAfterMs`) and resolves with its URL. */
  sink(name: string, hungAfterMs?: number): Promise<string>;
  /** Posts at a steady rate (see paced-posts.ts); resolves once every POST was answered 200. */
  post(options: PacedPostOptions): Promise<PacedPost[]>;
  /** Every request the sink received, in order. */
  arrivals(name: string): Promise<Arrival[]>;
  /** Resolves with each post's first arrival at the sink (epoch ms), polling; throws if one never arrives. */
  deliveredTo(name: string, posts: readonly PacedPost[], timeoutMs?: number): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const { child } = await forkChild<Request, WorldAnswer, unknown>(new URL('./world-child.ts', import.meta.url));
  const ask = async (request: Request): Promise<WorldAnswer> => {
    const answer = await child.ask(request);
    if ('error' in answer) throw new Error(`outside world: ${answer.error}`);
    return answer;
  };
  const received = new Map<string, Arrival[]>();
  const arrivals = async (name: string): Promise<Arrival[]> => {
    const known = received.get(name) ?? [];
    const answer = await ask({ type: 'arrivals', name, since: known.length });
    const all = [...known, ...('arrivals' in answer ? answer.arrivals : [])];
    received.set(name, all);
    return all;
  };
  return {
    sink: async (name, hungAfterMs) => {
      const answer = await ask({ type: 'sink', name, ...(hungAfterMs !== undefined && { hungAfterMs }) });
      return 'url' in answer ? answer.url : '';
    },
    post: async (options) => {
      const answer = await ask({ type: 'post', options });
      return 'posts' in answer ? answer.posts : [];
    },
    arrivals,
    deliveredTo: async (name, posts, timeoutMs = 60_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const first = new Map<string, number>();
        for (const { marker, receivedAt } of await arrivals(name))
          if (marker !== undefined && !first.has(marker)) first.set(marker, receivedAt);
        if (posts.every((post) => first.has(post.marker))) return posts.map((post) => first.get(post.marker)!);
        if (performance.now() > deadline) {
          const missing = posts.filter((post) => !first.has(post.marker)).length;
          throw new Error(`${missing} of ${posts.length} copies never reached ${name} within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async () => {
      await ask({ type: 'close' }).catch(() => undefined);
      await child.stop();
    },
  };
}
