// The signed sample WhatsApp notification `npm start` offers: its body, written to a file, and a shell command that posts it.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shellQuote as quote } from './shell-quote.js';

/**
 * A Meta WhatsApp Cloud API text-message notification for `phoneNumber` (the shape docs/ingest.md
 * describes). Its message id and time come from `now`, so each start offers a new one: ingest
 * answers a body it already took within the de-duplication window `{"status":"duplicate"}`.
 */
export function sampleNotification(phoneNumber: string, now = Date.now()): string {
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: phoneNumber, phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Local Tester' }, wa_id: '4915112345678' }],
              messages: [
                {
                  from: '4915112345678',
                  id: `wamid.LOCAL-SAMPLE-${now}`,
                  timestamp: String(Math.floor(now / 1000)),
                  type: 'text',
                  text: { body: 'Hello from the local sample' },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Writes the sample under `dir` and returns its path. */
export function writeSampleNotification(dir: string, phoneNumber: string): string {
  const file = join(dir, 'sample-notification.json');
  writeFileSync(file, sampleNotification(phoneNumber));
  return file;
}

/**
 * A POSIX shell command that signs the file's exact bytes with the app secret (openssl, as Meta signs
 * the raw body) and posts those same bytes (--data-binary, which keeps newlines) to the ingest URL.
 * The file's path is absolute, so the command works pasted in any folder.
 */
export function signedPostCommand(options: { ingestUrl: string; bodyFile: string; appSecret: string }): string {
  const file = quote(resolve(options.bodyFile));
  // `-r` prints "<hex> *<file>" with OpenSSL 1.1, 3.x and LibreSSL alike; cut keeps the hex.
  const signature = `sha256=$(openssl dgst -sha256 -hmac ${quote(options.appSecret)} -r ${file} | cut -d' ' -f1)`;
  return [
    `curl -s -X POST ${quote(options.ingestUrl)} -H 'Content-Type: application/json' \\`,
    `       -H "X-Hub-Signature-256: ${signature}" \\`,
    `       --data-binary @${file}`,
  ].join('\n');
}
