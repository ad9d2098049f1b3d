import { describe, expect, it } from 'vitest';
import { cachedConfigReader } from '../../../shared/delivery/config-cache.js';

const config = (tag: string) => ({ enabled: true, destinations: [{ name: tag, url: 'https://x.example.com', headers: {} }] });

function counter() {
  let reads = 0;
  const read = async (phone: string) => config(`${phone}-${++reads}`);
  return { read, reads: () => reads };
}

describe('cachedConfigReader', () => {
  it('serves a number from memory within the ttl and reads again after it', async () => {
    let now = 0;
    const store = counter();
    const reader = cachedConfigReader(store.read, 30, () => now);
    await reader('1');
    now = 29_000;
    await reader('1');
    expect(store.reads()).toBe(1);
    now = 30_000;
    await reader('1');
    expect(store.reads()).toBe(2);
  });

  it('shares one read among concurrent callers for the same number', async () => {
    const store = counter();
    const reader = cachedConfigReader(store.read, 0);
    const results = await Promise.all(Array.from({ length: 10 }, () => reader('1')));
    expect(store.reads()).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('reads again when asked for a fresh configuration', async () => {
    const store = counter();
    const reader = cachedConfigReader(store.read, 300);
    await reader('1');
    await reader('1', { fresh: true });
    expect(store.reads()).toBe(2);
  });

  it('does not cache a failed read', async () => {
    let fail = true;
    const reader = cachedConfigReader(async () => {
      if (fail) throw new Error('throttled');
      return config('ok');
    }, 300);
    await expect(reader('1')).rejects.toThrow('throttled');
    fail = false;
    await expect(reader('1')).resolves.toEqual(config('ok'));
  });
});
