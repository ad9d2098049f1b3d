import { describe, expect, it } from 'vitest';
import { checkConcurrency } from '../../../cli/concurrency-check.js';
import { runPreflight } from '../../../cli/preflight.js';
import { environmentFromOutputs } from '../../../cli/target.js';

describe('the quota pre-check', () => {
  it('passes an account with the usual 1000 executions for the default stack', () => {
    const findings = checkConcurrency(
      { limit: 1000, unreserved: 1000 },
      { deliveryMaxConcurrency: 50, ingestReservedConcurrency: 50, alreadyReserved: 0 },
    );
    expect(findings.every((finding) => finding.ok)).toBe(true);
  });

  it("fails a new account's 10 executions: the ingest reservation would break the deploy, and says which quota to ask for", () => {
    const findings = checkConcurrency(
      { limit: 10, unreserved: 10 },
      { deliveryMaxConcurrency: 50, ingestReservedConcurrency: 50, alreadyReserved: 0 },
    );
    const failed = findings.filter((finding) => !finding.ok).map((finding) => finding.line);
    expect(failed[0]).toMatch(
      /^Reserving 50 for ingest leaves -40 unreserved, below Lambda's minimum of 100: the deploy would fail\. Raise the quota to at least 150 /,
    );
    expect(failed[1]).toMatch(/^Delivery may run 2 x deliveryMaxConcurrency = 100 at once/);
  });

  it("counts the stack's own reservation back when checking an update", () => {
    const update = checkConcurrency(
      { limit: 200, unreserved: 100 },
      { deliveryMaxConcurrency: 25, ingestReservedConcurrency: 50, alreadyReserved: 50 },
    );
    expect(update.every((finding) => finding.ok)).toBe(true);
    const fresh = checkConcurrency(
      { limit: 200, unreserved: 100 },
      { deliveryMaxConcurrency: 25, ingestReservedConcurrency: 50, alreadyReserved: 0 },
    );
    expect(fresh.some((finding) => !finding.ok)).toBe(true);
  });

  it('fails a delivery peak above what is left unreserved, and names a concurrency that fits', () => {
    const findings = checkConcurrency({ limit: 300, unreserved: 300 }, { deliveryMaxConcurrency: 200, alreadyReserved: 0 });
    expect(findings.find((finding) => !finding.ok)?.line).toMatch(
      /= 400 at once, more than the 300 unreserved .* deliveryMaxConcurrency=150 or less, or raise the quota to at least 400\.$/,
    );
  });
});

describe('a deployed stack from its outputs', () => {
  const outputs = {
    TableName: 'table',
    NotificationsQueueUrl: 'https://sqs/n',
    NotificationsDlqUrl: 'https://sqs/n-dlq',
    RetriesQueueUrl: 'https://sqs/r',
    RetriesDlqUrl: 'https://sqs/r-dlq',
    PayloadBucketName: 'bucket',
    WhatsAppAppSecretParameter: '/multi-webhook/whatsapp-app-secret',
    ApiUrl: 'https://api',
  };

  it("maps the outputs onto the functions' variables", () => {
    expect(environmentFromOutputs(outputs, { AWS_REGION: 'eu-west-1' })).toEqual({
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: 'table',
      NOTIFICATIONS_QUEUE_URL: 'https://sqs/n',
      NOTIFICATIONS_DLQ_URL: 'https://sqs/n-dlq',
      RETRIES_QUEUE_URL: 'https://sqs/r',
      RETRIES_DLQ_URL: 'https://sqs/r-dlq',
      PAYLOAD_BUCKET: 'bucket',
      WHATSAPP_APP_SECRET_PARAMETER: '/multi-webhook/whatsapp-app-secret',
    });
  });

  it('lets queue URLs in the environment win, to redrive the retained dead-letter queue of a deleted stack', () => {
    const env = environmentFromOutputs(outputs, { NOTIFICATIONS_DLQ_URL: 'https://sqs/old-n-dlq', TABLE_NAME: 'ignored' });
    expect(env.NOTIFICATIONS_DLQ_URL).toBe('https://sqs/old-n-dlq');
    expect(env.TABLE_NAME).toBe('table');
  });
});

describe('multi-webhook preflight', () => {
  it("prints each finding and exits 1 on an account whose quota cannot hold the stack's defaults", async () => {
    const lines: string[] = [];
    const code = await runPreflight({ command: 'preflight' }, undefined, {
      account: async () => ({ limit: 10, unreserved: 10 }),
      out: (line) => lines.push(line),
    });
    expect(code).toBe(1);
    expect(lines[0]).toBe('ok    Account: 10 concurrent executions, 10 unreserved today.');
    expect(lines.filter((line) => line.startsWith('FAIL'))).toHaveLength(2);
  });

  it("takes the deployed stack's values from its outputs and counts its reservation back", async () => {
    const deployed = {
      kind: 'deployed' as const,
      config: {} as never,
      outputs: { DeliveryMaxConcurrency: '20', IngestReservedConcurrency: '50' },
    };
    const lines: string[] = [];
    const code = await runPreflight({ command: 'preflight' }, deployed, {
      account: async () => ({ limit: 200, unreserved: 100 }),
      out: (line) => lines.push(line),
    });
    expect(code).toBe(0);
    expect(lines).toContain("ok    Delivery's peak of 40 (2 queues x 20) fits in 100 unreserved.");
  });
});
