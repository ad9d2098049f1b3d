// The sender's own resolver against a loopback DNS server: a silent DNS costs only the sends that asked it, every answer is SSRF-checked, localhost needs no DNS.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSender, type HttpSender, type Outcome, type SenderOptions } from '../../../shared/delivery/http-sender.js';
import { startDnsServer, type DnsServer } from '../../helpers/dns-server.js';
import { startSink, type Sink } from '../../helpers/sink-server.js';
import { holdThreadPool } from '../../helpers/thread-pool.js';

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(async () => {
  await dns?.close();
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sink(): Promise<Sink> {
  const started = await startSink();
  cleanups.push(() => started.close());
  return started;
}

function sender(options: Partial<SenderOptions> = {}): HttpSender {
  const created = createHttpSender({ policy: 'local', timeoutMs: 5000, dnsServers: [dns.address], ...options });
  cleanups.push(() => created.close());
  return created;
}

let names = 0;
/** A name no other test uses, so the questions the DNS server saw can be told apart. */
const freshName = (what: string): string => `${what}-${++names}.dns-isolation.test`;

const post = (url: string) => ({ url, headers: { 'content-type': 'application/json' }, body: '{}' });

/** A send whose settling can be checked while it runs. */
function tracked(sending: Promise<Outcome>): { settled: () => boolean; outcome: Promise<Outcome> } {
  let settled = false;
  const outcome = sending.finally(() => void (settled = true));
  return { settled: () => settled, outcome };
}

/** How many TCP client sockets the process opened while `action` ran. */
async function socketsOpenedDuring<T>(action: () => Promise<T>): Promise<{ result: T; opened: number }> {
  let opened = 0;
  const count = (): void => void opened++;
  subscribe('net.client.socket', count);
  try {
    return { result: await action(), opened };
  } finally {
    unsubscribe('net.client.socket', count);
  }
}

const askedAbout = (name: string) => dns.questions.filter((question) => question.name === name).map((question) => question.type);

describe('a DNS server that never answers', () => {
  it("fails the send with 'dns' or 'timeout' once its deadline passes, having asked for A and AAAA", async () => {
    const silent = freshName('silent');
    dns.set(silent, 'hang');

    const outcome = await sender({ timeoutMs: 1000 }).send(post(`http://${silent}/hook`));

    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringMatching(/^(dns|timeout)$/) });
    expect(new Set(askedAbout(silent))).toEqual(new Set(['A', 'AAAA']));
  });

  it('leaves a healthy destination answering while sends to two names whose DNS never answers are still pending', async () => {
    const destination = await sink();
    const healthy = freshName('healthy');
    dns.set(healthy, ['127.0.0.1']);
    const silentNames = [freshName('silent'), freshName('silent')];
    for (const name of silentNames) dns.set(name, 'hang');
    const client = sender({ timeoutMs: 3000 });

    const hung = silentNames.flatMap((name) =>
      Array.from({ length: 4 }, () => tracked(client.send(post(`http://${name}:${destination.port}/`)))),
    );
    const answer = await client.send(post(`http://${healthy}:${destination.port}/`));

    expect(answer).toMatchObject({ kind: 'answered', status: 200 });
    expect(hung.filter((send) => send.settled())).toHaveLength(0);
    const failures = await Promise.all(hung.map((send) => send.outcome));
    expect(failures.every((outcome) => outcome.kind === 'failed' && ['dns', 'timeout'].includes(outcome.error))).toBe(true);
    expect(destination.requests).toHaveLength(1);
  });

  it("resolves and delivers while every thread of libuv's pool (getaddrinfo's) is busy", async () => {
    const destination = await sink();
    const name = freshName('busy-pool');
    dns.set(name, ['127.0.0.1']);
    const client = sender();

    const pool = await holdThreadPool();
    let outcome: Outcome;
    let heldThroughout: boolean;
    try {
      outcome = await client.send(post(`http://${name}:${destination.port}/`));
      heldThroughout = pool.isHeld();
    } finally {
      await pool.release();
    }

    expect(heldThroughout).toBe(true);
    expect(outcome).toMatchObject({ kind: 'answered', status: 200 });
  });
});

describe('answers from DNS', () => {
  it("fails with 'dns' and says so when the name does not exist", async () => {
    const missing = freshName('missing');

    const outcome = await sender().send(post(`https://${missing}/hook`));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'dns', detail: `cannot resolve ${missing} (ENOTFOUND)` });
  });

  it.each([
    ['a private address', ['10.0.0.5'], 'resolves to 10.0.0.5, a private address'],
    ['loopback', ['127.0.0.1'], 'resolves to 127.0.0.1, a loopback address'],
    ['a public A and a unique-local AAAA', ['93.184.215.14', 'fd00::5'], 'resolves to fd00::5, a unique-local address'],
  ])('refuses a name answered with %s under the strict policy, without opening a socket', async (_what, addresses, why) => {
    const name = freshName('internal');
    dns.set(name, addresses);
    const client = sender({ policy: 'strict' });

    const { result: outcome, opened } = await socketsOpenedDuring(() => client.send(post(`https://${name}/hook`)));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'refused-address', detail: `${name} ${why}` });
    expect(opened).toBe(0);
  });
});

describe('localhost', () => {
  it('connects localhost under the local policy without asking DNS', async () => {
    const destination = await sink();

    const outcome = await sender().send(post(`http://localhost:${destination.port}/`));

    expect(outcome).toMatchObject({ kind: 'answered', status: 200 });
    expect(askedAbout('localhost')).toEqual([]);
  });

  it('refuses localhost under the strict policy without asking DNS or opening a socket', async () => {
    const client = sender({ policy: 'strict' });

    const { result: outcome, opened } = await socketsOpenedDuring(() => client.send(post('https://localhost/hook')));

    expect(outcome).toMatchObject({
      kind: 'failed',
      error: 'refused-address',
      detail: 'localhost resolves to 127.0.0.1, a loopback address',
    });
    expect(askedAbout('localhost')).toEqual([]);
    expect(opened).toBe(0);
  });
});
