// Meta's side at a steady rate: signed notifications for one number, each POST started on its schedule
// (open loop: a slow answer delays no later POST), each marked so the sink's copy can be matched to it.
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { now } from '../../test/helpers/sink-server.js';
import { notificationBody } from '../../test/helpers/whatsapp.js';
import { postSigned } from './ingest-load.js';

export interface PacedPost {
  /** The notification's text, found again in what the sink received (see markerIn). */
  marker: string;
  /** Epoch ms (sink-server's `now`, comparable with SinkRequest.receivedAt) the POST started. */
  sentAt: number;
  /** Epoch ms ingest's 200 had arrived. */
  answeredAt: number;
}

export interface PacedPostOptions {
  apiUrl: string;
  appSecret: string;
  phoneNumber: string;
  perSecond: number;
  seconds: number;
  /** Names the run in each marker: `<tag>:<index>`. */
  tag: string;
}

const MARKER = /bench-marker:([\w-]+:\d+)/;

/** Resolves once every POST was answered; throws unless every answer is 200. */
export async function postAtRate(options: PacedPostOptions): Promise<PacedPost[]> {
  const agent = new Agent({ connections: 8 });
  const count = Math.max(1, Math.round(options.perSecond * options.seconds));
  const startedAt = performance.now();
  const posts: Promise<PacedPost>[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const wait = startedAt + (index * 1000) / options.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      posts.push(postOne(options, agent, `${options.tag}:${index}`));
    }
    return await Promise.all(posts);
  } finally {
    await Promise.allSettled(posts);
    await agent.close();
  }
}

async function postOne(options: PacedPostOptions, agent: Agent, marker: string): Promise<PacedPost> {
  const body = notificationBody([{ phone: options.phoneNumber, text: `bench-marker:${marker}` }]);
  const sentAt = now();
  await postSigned(options, agent, body);
  return { marker, sentAt, answeredAt: now() };
}

/** The marker a delivered copy carries, undefined for a body no paced post sent. */
export function markerIn(body: Buffer): string | undefined {
  return MARKER.exec(body.toString('utf8'))?.[1];
}
