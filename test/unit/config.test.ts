// Configuration mistakes are sentences: the variable, the value (unless it may be a secret) and what is allowed.
import { describe, expect, it } from 'vitest';
import { InvalidEnvironment, parseConfig, tracingMayBeOn } from '../../shared/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof InvalidEnvironment) return error.problems;
    throw error;
  }
  throw new Error('parseConfig accepted it');
};

describe('parseConfig', () => {
  it('lists the allowed values of DESTINATION_POLICY, which are case-sensitive', () => {
    expect(problemsOf({ DESTINATION_POLICY: 'Strict' })).toEqual(['DESTINATION_POLICY="Strict" is not allowed: use strict or local']);
  });

  it.for(['abc', '', ' ', '1.5', '-1', '1e3', '0x10'])(
    'refuses %j as a number of seconds instead of reading it as some number',
    (value) => {
      expect(problemsOf({ RETRY_BASE_SECONDS: value })).toEqual([
        `RETRY_BASE_SECONDS=${JSON.stringify(value)} is not allowed: use a whole number of 0 or more`,
      ]);
    },
  );

  it('says a timeout must be at least 1', () => {
    expect(problemsOf({ DELIVERY_TIMEOUT_MS: '0' })).toEqual(['DELIVERY_TIMEOUT_MS="0" is not allowed: use a whole number of 1 or more']);
  });

  it('reads whole numbers in decimal digits', () => {
    expect(parseConfig({ DELIVERY_TIMEOUT_MS: '250', RETRY_BASE_SECONDS: '0', CONFIG_CACHE_SECONDS: '60' })).toMatchObject({
      DELIVERY_TIMEOUT_MS: 250,
      RETRY_BASE_SECONDS: 0,
      CONFIG_CACHE_SECONDS: 60,
    });
  });

  it('names an endpoint that is not a URL and shows what one looks like', () => {
    expect(problemsOf({ DYNAMODB_ENDPOINT: 'localhost:8000' })).toEqual([
      'DYNAMODB_ENDPOINT="localhost:8000" is not allowed: use an http or https URL such as http://127.0.0.1:8000',
    ]);
  });

  it('reports every mistake at once, in one message', () => {
    expect(() => parseConfig({ DESTINATION_POLICY: 'LOCAL', TABLE_NAME: '' })).toThrow(
      'Invalid environment: TABLE_NAME must not be empty; DESTINATION_POLICY="LOCAL" is not allowed: use strict or local',
    );
  });

  it('never shows the value of a secret variable', () => {
    const problems = problemsOf({ WHATSAPP_APP_SECRET: 42 as unknown as string });
    expect(problems).toEqual(['WHATSAPP_APP_SECRET (value hidden) is not allowed: use a string']);
  });

  it('logs first-try successes only when DELIVERY_LOG_SUCCESSES is exactly true, and names any other value', () => {
    expect(parseConfig({}).DELIVERY_LOG_SUCCESSES).toBe(false);
    expect(parseConfig({ DELIVERY_LOG_SUCCESSES: 'true' }).DELIVERY_LOG_SUCCESSES).toBe(true);
    expect(parseConfig({ DELIVERY_LOG_SUCCESSES: 'false' }).DELIVERY_LOG_SUCCESSES).toBe(false);
    expect(problemsOf({ DELIVERY_LOG_SUCCESSES: 'yes' })).toEqual(['DELIVERY_LOG_SUCCESSES="yes" is not allowed: use true or false']);
  });

  it('refuses a signing master key shorter than 32 characters without showing it', () => {
    expect(problemsOf({ SIGNING_MASTER_KEY: 'short-master-key' })).toEqual([
      'SIGNING_MASTER_KEY (value hidden) is not allowed: use 32 or more characters',
    ]);
    expect(parseConfig({}).SIGNING_ROTATION_GRACE_SECONDS).toBe(86400);
  });

  it('lets tracing be on only on the Lambda runtime, and not under sam local, the Amplify mock or POWERTOOLS_TRACE_ENABLED=false', () => {
    const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
    expect(tracingMayBeOn(parseConfig(lambda))).toBe(true);
    expect(tracingMayBeOn(parseConfig({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' }))).toBe(true);
    expect(tracingMayBeOn(parseConfig({}))).toBe(false);
    expect(tracingMayBeOn(parseConfig({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'False' }))).toBe(false);
    expect(tracingMayBeOn(parseConfig({ ...lambda, AWS_SAM_LOCAL: 'true' }))).toBe(false);
    expect(tracingMayBeOn(parseConfig({ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }))).toBe(false);
  });
});
