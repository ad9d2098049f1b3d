// WhatsApp Business Accounts (WABAs): which phone numbers belong to one, so that an event about the
// account as a whole (a template rejected, the account restricted) reaches every number's webhooks.

/**
 * Meta's WABA ids are decimal strings; letters, `_` and `-` are allowed as well so that test and
 * partner ids work, but never `#` or anything that could reach into another item's key.
 */
const WABA_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

/** A number seen in a notification of this WABA (`entry[].id` of the entry that names it). */
export interface WabaMembership {
  phoneNumber: string;
  wabaId: string;
}

/**
 * What ingest knows about WABAs. A number's WABA is learned from the notifications that name it,
 * never declared: Meta's `entry[].id` is the only source that cannot be mistyped.
 */
export interface WabaDirectory {
  /** Records each number as a member of its WABA (leaving the one it was in); cheap when nothing changed. */
  learn(memberships: readonly WabaMembership[]): Promise<void>;
  /** The numbers known to belong to the WABA, in no particular order. */
  numbersOf(wabaId: string): Promise<string[]>;
}

export function wabaIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && WABA_ID_PATTERN.test(value) ? value : undefined;
}
