// How the webhook items hold signing secrets: the primary's sealed secrets in `primarySigning` on the
// number's configuration item (beside `primary`, so setting its URL leaves them), a clone's in
// `signing` on its own item; and the update-expression parts that apply a signing change.
import type { SealedSigning, SigningChange } from '../domain/signing.js';
import type { SigningOutcome, WebhookTarget } from '../domain/webhook.js';

export const PRIMARY_SIGNING = 'primarySigning';
/** Whether the number's primary receives operational notices (an extension, on the configuration item). */
export const PRIMARY_NOTICES = 'notices';

/** DynamoDB refuses an empty ExpressionAttributeNames. */
export function attributeNames(names: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(names).length > 0 ? names : undefined;
}

export function primaryOf(configItem: Record<string, unknown> | undefined): WebhookTarget | undefined {
  const primary = configItem?.primary as WebhookTarget | undefined;
  return (
    primary && {
      url: primary.url,
      headers: primary.headers,
      ...signingOf(configItem?.[PRIMARY_SIGNING]),
      ...(configItem?.[PRIMARY_NOTICES] === true && { notices: true as const }),
    }
  );
}

export function signingOf(stored: unknown): { signing?: SealedSigning } {
  return typeof stored === 'object' && stored !== null && typeof (stored as SealedSigning).secret === 'string'
    ? { signing: stored as SealedSigning }
    : {};
}

/** The parts of an update expression that apply a signing change to `#signing`: an offered secret is kept only where none is. */
export function signingUpdate(change: SigningChange | undefined): { set: string; removes: string[]; values: Record<string, unknown> } {
  if (change === undefined) return { set: '', removes: [], values: {} };
  if (change === 'off') return { set: '', removes: ['#signing'], values: {} };
  return { set: ', #signing = if_not_exists(#signing, :signing)', removes: [], values: { ':signing': change.enable } };
}

/** The REMOVE clause of an update expression (one clause, however many attributes). */
export function removeClause(names: readonly string[]): string {
  return names.length > 0 ? `REMOVE ${names.join(', ')}` : '';
}

export function outcomeOf(change: SigningChange | undefined, stored: unknown): SigningOutcome {
  const signing = signingOf(stored).signing;
  const offered = change !== undefined && change !== 'off' ? change.enable.secret : undefined;
  return { signing: signing !== undefined, issued: offered !== undefined && signing?.secret === offered };
}
