// The WhatsApp app secret and verify token: from the configuration locally, from SSM SecureString
// parameters (fetched by name, cached) in the cloud, so the values never enter the template; and the
// master key that seals webhooks' signing secrets.
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { Config } from './config.js';

/** How long a fetched parameter is reused: a rotated secret takes effect within five minutes. */
const PARAMETER_MAX_AGE_SECONDS = 300;

export interface WhatsAppSecrets {
  /** The key of the X-Hub-Signature-256 HMAC. */
  appSecret(): Promise<string>;
  /** The token Meta presents in the subscription check. */
  verifyToken(): Promise<string>;
}

export function createWhatsAppSecrets(config: Config): WhatsAppSecrets {
  return {
    appSecret: () => secret(config, 'WHATSAPP_APP_SECRET', 'WHATSAPP_APP_SECRET_PARAMETER'),
    verifyToken: () => secret(config, 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_VERIFY_TOKEN_PARAMETER'),
  };
}

async function secret(
  config: Config,
  variable: 'WHATSAPP_APP_SECRET' | 'WHATSAPP_VERIFY_TOKEN',
  parameterVariable: 'WHATSAPP_APP_SECRET_PARAMETER' | 'WHATSAPP_VERIFY_TOKEN_PARAMETER',
): Promise<string> {
  // An empty secret would make every signature forgeable: treat it as unset.
  const local = config[variable];
  if (local) return local;
  const name = config[parameterVariable];
  if (!name) throw new Error(`Neither ${variable} nor ${parameterVariable} is set.`);
  const value = await getParameter(name, { decrypt: true, maxAge: PARAMETER_MAX_AGE_SECONDS });
  if (!value) throw new Error(`The SSM parameter named by ${parameterVariable} is empty.`);
  return value;
}

/**
 * The master key of the signing secrets' seals: SIGNING_MASTER_KEY locally, else the Secrets Manager
 * secret SIGNING_MASTER_KEY_SECRET names (fetched on first use, cached like the parameters). The
 * provider is imported on first use, so functions that never sign never load its SDK client.
 */
export function signingMasterKey(config: Config): () => Promise<string> {
  return async () => {
    if (config.SIGNING_MASTER_KEY) return config.SIGNING_MASTER_KEY;
    const name = config.SIGNING_MASTER_KEY_SECRET;
    if (!name) throw new Error('Neither SIGNING_MASTER_KEY nor SIGNING_MASTER_KEY_SECRET is set.');
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    const value = await getSecret(name, { maxAge: PARAMETER_MAX_AGE_SECONDS });
    if (typeof value !== 'string' || value.length < 32)
      throw new Error('The secret named by SIGNING_MASTER_KEY_SECRET is not a string of 32 or more characters.');
    return value;
  };
}
