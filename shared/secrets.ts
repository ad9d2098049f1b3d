// The WhatsApp app secret and verify token: from the configuration locally, from SSM SecureString
// parameters (fetched by name, cached) in the cloud, so the values never enter the template.
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
  const parameters = cachedParameters(config.AWS_REGION, capture);
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
 * Decrypted parameter values by name, each fetched at most once per PARAMETER_MAX_AGE_SECONDS. The
 * SSM client loads on first use: bundled statically it added ~30 ms to the cold start of every
 * function, though only the two WhatsApp functions read a parameter (and the SDK is external to
 * the bundles, so only a dynamic import keeps it out of the others' start).
 */
function cachedParameters(region: string, capture: (client: SSMClient) => SSMClient): (name: string) => Promise<string | undefined> {
  let ssm: Promise<{ client: SSMClient; sdk: typeof import('@aws-sdk/client-ssm') }> | undefined;
  const cache = new Map<string, { value: Promise<string | undefined>; until: number }>();
  return (name) => {
    const cached = cache.get(name);
    if (cached && cached.until > Date.now()) return cached.value;
    ssm ??= import('@aws-sdk/client-ssm').then((sdk) => ({ sdk, client: capture(new sdk.SSMClient({ region })) }));
    const value = ssm.then(async ({ sdk, client }) => {
      const { Parameter } = await client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
      return Parameter?.Value;
    });
    cache.set(name, { value, until: Date.now() + PARAMETER_MAX_AGE_SECONDS * 1000 });
    // A failed read is not kept: the next call asks again.
    value.catch(() => cache.delete(name));
    return value;
  };
}
