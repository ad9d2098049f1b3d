// The WhatsApp app secret and verify token: from the configuration locally, from SSM SecureString
// parameters (fetched by name, cached) in the cloud, so the values never enter the template; and the
// master key that seals webhooks' signing secrets (a Secrets Manager secret in the cloud).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from './config.js';

/** How long a fetched parameter is reused: a rotated secret takes effect within five minutes. */
const PARAMETER_MAX_AGE_SECONDS = 300;

export interface WhatsAppSecrets {
  /** The key of the X-Hub-Signature-256 HMAC. */
  appSecret(): Promise<string>;
  /** The token Meta presents in the subscription check. */
  verifyToken(): Promise<string>;
}

/** `capture` wraps the SSM client once it is built (tracing). */
export function createWhatsAppSecrets(config: Config, capture: (client: SSMClient) => SSMClient = (client) => client): WhatsAppSecrets {
  let ssm: SSMClient | undefined;
  const parameters = cachedByName(async (name) => {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const client = (ssm ??= capture(new SSMClient({ region: config.AWS_REGION })));
    return (await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
  });
  return {
    appSecret: () => secret(config, parameters, 'WHATSAPP_APP_SECRET', 'WHATSAPP_APP_SECRET_PARAMETER'),
    verifyToken: () => secret(config, parameters, 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_VERIFY_TOKEN_PARAMETER'),
  };
}

async function secret(
  config: Config,
  parameters: (name: string) => Promise<string | undefined>,
  variable: 'WHATSAPP_APP_SECRET' | 'WHATSAPP_VERIFY_TOKEN',
  parameterVariable: 'WHATSAPP_APP_SECRET_PARAMETER' | 'WHATSAPP_VERIFY_TOKEN_PARAMETER',
): Promise<string> {
  // An empty secret would make every signature forgeable: treat it as unset.
  const local = config[variable];
  if (local) return local;
  const name = config[parameterVariable];
  if (!name) throw new Error(`Neither ${variable} nor ${parameterVariable} is set.`);
  const value = await parameters(name);
  if (!value) throw new Error(`The SSM parameter named by ${parameterVariable} is empty.`);
  return value;
}

/**
 * The master key of the signing secrets' seals: SIGNING_MASTER_KEY locally, else the Secrets Manager
 * secret SIGNING_MASTER_KEY_SECRET names (fetched on first use, cached like the parameters). The
 * client is imported on first use, so functions that never sign never load it.
 */
export function signingMasterKey(config: Config): () => Promise<string> {
  let client: SecretsManagerClient | undefined;
  const secrets = cachedByName(async (name) => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    client ??= new SecretsManagerClient({ region: config.AWS_REGION });
    return (await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
  });
  return async () => {
    if (config.SIGNING_MASTER_KEY) return config.SIGNING_MASTER_KEY;
    const name = config.SIGNING_MASTER_KEY_SECRET;
    if (!name) throw new Error('Neither SIGNING_MASTER_KEY nor SIGNING_MASTER_KEY_SECRET is set.');
    const value = await secrets(name);
    if (typeof value !== 'string' || value.length < 32)
      throw new Error('The secret named by SIGNING_MASTER_KEY_SECRET is not a string of 32 or more characters.');
    return value;
  };
}

/**
 * Values by name, each fetched at most once per PARAMETER_MAX_AGE_SECONDS. The SDK clients load on
 * first use: bundled statically, SSM alone added ~30 ms to the cold start of every function, though
 * few read a secret (the SDK is external to the bundles, so only a dynamic import keeps it out).
 */
function cachedByName(fetch: (name: string) => Promise<string | undefined>): (name: string) => Promise<string | undefined> {
  const cache = new Map<string, { value: Promise<string | undefined>; until: number }>();
  return (name) => {
    const cached = cache.get(name);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = fetch(name);
    cache.set(name, { value, until: Date.now() + PARAMETER_MAX_AGE_SECONDS * 1000 });
    // A failed read is not kept: the next call asks again.
    value.catch(() => cache.delete(name));
    return value;
  };
}
