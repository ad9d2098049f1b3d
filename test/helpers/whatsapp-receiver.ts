// A webhook receiver built on whatsapp-api-js the way its docs show for node:http (`handle_post`), as
// a sink responder: the library's own signature check and parser decide what each copy is answered.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { WhatsAppAPI } from 'whatsapp-api-js/middleware/node-http';
import type { Responder, SinkRequest } from './sink-server.js';

/** What the library made of a message or status change; `event` for changes it has no handler for. */
export type Parsed =
  | { kind: 'message'; phoneID: string; message: unknown }
  | { kind: 'status'; phoneID: string; id: string; status: string; pricing: unknown; error: unknown }
  | { kind: 'event'; field: string };

export interface Verdict {
  /** What the receiver answered: 200 accepted, 401 signature refused, 500 the library failed. */
  status: number;
  parsed?: Parsed;
}

export interface WhatsAppReceiver {
  responder: Responder;
  /** The verdict on each request the responder answered. */
  verdictOf(request: SinkRequest): Verdict | undefined;
}

/**
 * whatsapp-api-js 6.3.0 reads `entry[0].changes[0].value.metadata.phone_number_id` of every body and
 * throws a TypeError (its node-http middleware answers 500) when there is none: phone-level and
 * WABA-level events never reach its emitters, from Meta or from us. For those the receiver uses the
 * library's signature check alone (`verifyRequestSignature`, the same one `post` runs) and reads the
 * field itself; every other body goes through `handle_post` untouched.
 */
export function whatsappApiJsReceiver(appSecret: string): WhatsAppReceiver {
  const verdicts = new WeakMap<SinkRequest, Verdict>();
  const responder: Responder = async (request) => {
    const verdict = await judge(request, appSecret);
    verdicts.set(request, verdict);
    return { status: verdict.status };
  };
  return { responder, verdictOf: (request) => verdicts.get(request) };
}

async function judge(request: SinkRequest, appSecret: string): Promise<Verdict> {
  let parsed: Parsed | undefined;
  const api = new WhatsAppAPI({ token: 'not-used', appSecret, webhookVerifyToken: 'not-used', v: 'v24.0' });
  api.on.message = ({ phoneID, message }) => void (parsed = { kind: 'message', phoneID, message });
  api.on.status = ({ phoneID, id, status, pricing, error }) => void (parsed = { kind: 'status', phoneID, id, status, pricing, error });
  const firstChange = firstChangeOf(request.body);
  if (firstChange?.value?.metadata === undefined) {
    const signature = String(request.headers['x-hub-signature-256'] ?? '');
    const valid = signature !== '' && (await api.verifyRequestSignature(request.body.toString('utf8'), signature));
    return valid ? { status: 200, parsed: { kind: 'event', field: String(firstChange?.field) } } : { status: 401 };
  }
  const status = await api.handle_post(asIncomingMessage(request));
  return { status, parsed: parsed ?? { kind: 'event', field: String(firstChange.field) } };
}

/** The recorded request as the readable IncomingMessage handle_post reads: same headers, same bytes. */
function asIncomingMessage(request: SinkRequest): IncomingMessage {
  return Object.assign(Readable.from([request.body]), {
    headers: request.headers,
    method: request.method,
    url: request.path,
  }) as unknown as IncomingMessage;
}

function firstChangeOf(body: Buffer): { field?: unknown; value?: { metadata?: unknown } } | undefined {
  try {
    return JSON.parse(body.toString('utf8')).entry?.[0]?.changes?.[0];
  } catch {
    return undefined;
  }
}
