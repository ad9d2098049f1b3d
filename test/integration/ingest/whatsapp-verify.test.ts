// GET /webhooks/whatsapp: Meta's subscription handshake.
import { describe, expect, it } from 'vitest';
import { create } from '../../../functions/whatsapp-verify.js';
import { parseConfig } from '../../../shared/config.js';
import { createServices } from '../../../shared/services.js';
import { httpEvent, invoke, VERIFY_TOKEN } from './support.js';

const verifyWith = (env: Record<string, string>) => create(createServices(parseConfig(env)));
const handler = verifyWith({ WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN });

const check = (query: Record<string, string>, verify = handler) => invoke(verify, httpEvent('GET', { query }));

describe('GET /webhooks/whatsapp', () => {
  it('answers the challenge as plain text when the mode is subscribe and the verify token matches', async () => {
    const response = await check({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });

    expect(response).toMatchObject({ statusCode: 200, body: '1158201444' });
    expect(response.headers?.['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    ['the verify token is wrong', { 'hub.mode': 'subscribe', 'hub.verify_token': `${VERIFY_TOKEN}x`, 'hub.challenge': 'c' }],
    ['the verify token is missing', { 'hub.mode': 'subscribe', 'hub.challenge': 'c' }],
    ['the mode is not subscribe', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'c' }],
  ])('answers 403 with an error when %s', async (_case, query) => {
    const response = await check(query);

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.any(String) });
  });

  it('answers 400 when the token matches but there is no challenge to echo', async () => {
    const response = await check({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN });

    expect(response.statusCode).toBe(400);
  });

  it('answers 500 without revealing why when no verify token is configured', async () => {
    const response = await check({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': 'c' }, verifyWith({}));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('WHATSAPP_VERIFY_TOKEN');
  });
});
