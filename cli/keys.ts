// `multi-webhook keys create|list|revoke`: API keys, stored as hashes in the stack's table.
import type { Command } from './arguments.js';
import type { Target } from './target.js';
import { createServices } from '../shared/services.js';

type KeysCommand = Extract<Command, { command: `keys ${string}` }>;

export async function runKeys(command: KeysCommand, target: Target): Promise<number> {
  const services = createServices(target.config);
  const store = services.apiKeys;
  const phone = command.phoneNumber;
  try {
    switch (command.command) {
      case 'keys create': {
        const { key, keyId } = await store.create(phone);
        process.stdout.write(`${key}\n`);
        process.stderr.write(`Created key ${keyId} for ${phone}. It is shown only once; store it now.\n`);
        return 0;
      }
      case 'keys list': {
        const keys = await store.list(phone);
        if (keys.length === 0) process.stderr.write(`No keys for ${phone}.\n`);
        for (const { keyId, createdAt } of keys) process.stdout.write(`${keyId}\t${createdAt}\n`);
        return 0;
      }
      case 'keys revoke':
        await store.revoke(phone, command.keyId);
        process.stderr.write(
          `Revoked key ${command.keyId}. It stops working at once, locally and deployed (the authorizer has no cache).\n`,
        );
        return 0;
    }
  } finally {
    await services.close();
  }
}
