// The banner's commands fit the policy and the demo number's current state, and name files by absolute paths.
import { describe, expect, it } from 'vitest';
import { localBanner, tryIt, type BannerFacts } from '../../../infra/local/banner.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';

const facts = (overrides: Partial<BannerFacts> = {}): BannerFacts => ({
  apiUrl: 'http://127.0.0.1:3000',
  ingestUrl: 'http://127.0.0.1:3000/webhooks/whatsapp',
  appSecret: 'local-app-secret',
  verifyToken: 'local-verify-token',
  dbPath: '/home/dev/multi-webhook/.local-state/dynamodb',
  sqsEndpoint: 'http://127.0.0.1:4566',
  policy: 'local',
  demo: { phoneNumber: '15550001111', key: 'local-demo-key' },
  demoConfig: { enabled: false, destinations: [] },
  sampleFile: '/home/dev/multi-webhook/.local-state/sample-notification.json',
  cliPath: '/home/dev/multi-webhook/bin/multi-webhook.js',
  stateDirForCli: undefined,
  receiver: { port: 9000 },
  readySeconds: 1.2,
  onNode20: false,
  ...overrides,
});

const commands = (lines: string[]) => lines.filter((line) => !line.startsWith('#'));
const crm = (url: string, enabled = true): PhoneConfig => ({
  enabled,
  destinations: [{ name: 'crm', url, headers: { Authorization: 'Bearer secret' } }],
});

describe('the banner in local mode', () => {
  it('starts the receiver on the chosen port and points the webhooks at it', () => {
    const lines = commands(tryIt(facts({ receiver: { port: 9123, note: 'port 9000 is in use' } })));
    expect(lines[0]).toContain(".listen(9123,'127.0.0.1')");
    expect(lines.join('\n')).toContain('"url":"http://127.0.0.1:9123/primary"');
    expect(tryIt(facts({ receiver: { port: 9123, note: 'port 9000 is in use' } }))[0]).toContain('port 9000 is in use');
  });

  it('reads the sample body by its absolute path', () => {
    expect(tryIt(facts()).join('\n')).toContain("--data-binary @'/home/dev/multi-webhook/.local-state/sample-notification.json'");
  });

  it.for([
    [
      'a fresh number',
      { enabled: false, destinations: [] },
      /^curl -s -X POST .*\/multi_webhook.*\n.*"enabled":true,"destinations":\[\{"name":"crm"/,
    ],
    [
      'an enabled number without the clone',
      { enabled: true, destinations: [] },
      /^curl -s -X PUT .*\/multi_webhook.*\n.*"destinations":\[\{"name":"crm"/,
    ],
    [
      'a clone on an old receiver port',
      crm('http://127.0.0.1:9000/crm'),
      /^curl -s -X PATCH .*\/multi_webhook.*\n.*"name":"crm","url":"http:\/\/127\.0\.0\.1:9555\/crm"/,
    ],
  ] as const)('adds or re-points the clone to fit %s (data is kept across restarts)', ([, demoConfig, expected]) => {
    const lines = commands(tryIt(facts({ demoConfig: demoConfig as PhoneConfig, receiver: { port: 9555 } })));
    expect(lines.some((line) => expected.test(line))).toBe(true);
  });

  it('enables a disabled number whose clone already points at the receiver, and sends no PATCH that changes nothing', () => {
    const lines = commands(tryIt(facts({ demoConfig: crm('http://127.0.0.1:9000/crm', false) })));
    expect(lines.some((line) => line.includes(`-d '{"enabled":true}'`))).toBe(true);
    expect(lines.some((line) => line.includes('-X PATCH'))).toBe(false);
  });

  it('offers no clone and no DELETE when the number is at the cap without one named crm', () => {
    const full: PhoneConfig = {
      enabled: true,
      destinations: ['a', 'b', 'c'].map((name) => ({ name, url: `http://127.0.0.1:9000/${name}`, headers: {} })),
    };
    const lines = tryIt(facts({ demoConfig: full }));
    expect(lines.join('\n')).toMatch(/the cap/);
    expect(commands(lines).some((line) => line.includes('-X PUT') || line.includes('-X DELETE'))).toBe(false);
  });

  it('quotes a key with a single quote so the pasted command sends it as it is', () => {
    const lines = commands(tryIt(facts({ demo: { phoneNumber: '15550001111', key: "it's-a-key" } })));
    expect(lines.join('\n')).toContain(`-H 'D360-API-KEY: it'\\''s-a-key'`);
  });

  it("creates a key first when LOCAL_API_KEYS seeds none, through the CLI by its absolute path and the stack's state directory", () => {
    const lines = commands(tryIt(facts({ demo: undefined, stateDirForCli: '/tmp/state' })));
    expect(lines[0]).toBe(
      "KEY=$(LOCAL_STATE_DIR='/tmp/state' node '/home/dev/multi-webhook/bin/multi-webhook.js' keys create --phone 15550001111)",
    );
    expect(
      lines
        .slice(1)
        .filter((line) => line.includes('D360-API-KEY'))
        .every((line) => line.includes('"D360-API-KEY: $KEY"')),
    ).toBe(true);
  });
});

describe('the banner in strict mode', () => {
  const strict = facts({ policy: 'strict' });

  it('says plainly that loopback receivers are refused', () => {
    expect(localBanner(strict)).toContain(
      'strict: only public https destinations; loopback receivers (127.0.0.1, ::1, localhost) are refused.',
    );
    expect(tryIt(strict).join('\n')).toContain('loopback receivers are refused, so no local receiver is');
  });

  it('offers no receiver and no command that points a webhook at loopback', () => {
    const lines = commands(tryIt(strict));
    expect(lines.join('\n')).not.toMatch(/node -e|127\.0\.0\.1:9000|-X (PUT|PATCH|DELETE)|\/v1\/configs\/webhook/);
    expect(lines.join('\n')).toContain('/webhooks/whatsapp');
  });
});
