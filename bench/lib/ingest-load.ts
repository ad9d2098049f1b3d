// Meta's side: signed WhatsApp notifications POSTed to the local stack's /webhooks/whatsapp, spread over numbers.
import { Agent, request } from 'undici';
import { notificationBody, sign } from '../../test/helpers/whatsapp.js';

export interface PostOptions {
  apiUrl: string;
  appSecret: string;
  numbers: readonly string[];
  count: number;
  /** POSTs in flight at once; 1 posts one after the other. */
  concurrency: number;
}

/** POSTs one body to ingest, signed as Meta signs it; throws unless ingest answers 200. */
export async function postSigned(target: Pick<PostOptions, 'apiUrl' | 'appSecret'>, agent: Agent, body: Buffer): Promise<void> {
  const response = await request(`${target.apiUrl}/webhooks/whatsapp`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, target.appSecret) },
    body,
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`ingest answered ${response.statusCode}`);
}

/** Resolves with each POST's round-trip time (ms); throws unless every answer is 200. */
export async function postNotifications(options: PostOptions): Promise<number[]> {
  const agent = new Agent({ connections: options.concurrency });
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const body = notificationBody([{ phone: options.numbers[index % options.numbers.length]!, text: `benchmark ${index}` }]);
      const startedAt = performance.now();
      await postSigned(options, agent, body);
      latencies.push(performance.now() - startedAt);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await agent.close();
  }
  return latencies;
}
