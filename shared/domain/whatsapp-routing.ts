// Where each change of a verified body goes: to the number it names, or to every known number of its
// WABA; and the (number, WABA) pairs the body shows, from which ingest learns who belongs where.
import { wabaIdOf, type WabaDirectory, type WabaMembership } from './waba.js';
import { changesOf, isRecord, phoneOfChange, type WebhookBody } from './whatsapp.js';

/** One change of a body by position: the entry's index, then the change's index in that entry. */
export interface ChangeRef {
  entry: number;
  change: number;
}

export interface RoutedChange extends ChangeRef {
  /** `field` as Meta sent it: says what kind of event, never what it holds, so it may be logged. */
  field?: string;
  /** The number the change names; absent for a WABA-level change. */
  phoneNumber?: string;
  /** The entry's `id`, when it is a usable WABA id. */
  wabaId?: string;
}

export interface Routing {
  /** Every change of the body, in body order. */
  changes: RoutedChange[];
  /** Each number the body names, with the WABA of the first entry that names it. */
  memberships: WabaMembership[];
  /** WABAs with a change that names no number: their numbers have to be looked up. */
  wabaLevel: string[];
}

/** Changes that reach no one: their WABA has no known number, or their entry has no usable id. */
export interface Unrouted {
  wabaId?: string;
  fields: string[];
  changes: number;
}

export interface CopyPlan {
  /** Each recipient's changes in body order; recipients in order of their first change. */
  copies: Map<string, ChangeRef[]>;
  unrouted: Unrouted[];
}

export function routeChanges(body: WebhookBody): Routing {
  const changes: RoutedChange[] = [];
  const memberships = new Map<string, string>();
  const wabaLevel = new Set<string>();
  body.entry.forEach((entry, entryIndex) => {
    const wabaId = isRecord(entry) ? wabaIdOf(entry.id) : undefined;
    changesOf(entry).forEach((change, changeIndex) => {
      const phoneNumber = phoneOfChange(change);
      const field = isRecord(change) && typeof change.field === 'string' ? change.field : undefined;
      changes.push({
        entry: entryIndex,
        change: changeIndex,
        ...(field !== undefined && { field }),
        ...(phoneNumber && { phoneNumber }),
        ...(wabaId && { wabaId }),
      });
      if (phoneNumber && wabaId && !memberships.has(phoneNumber)) memberships.set(phoneNumber, wabaId);
      if (!phoneNumber && wabaId) wabaLevel.add(wabaId);
    });
  });
  return { changes, memberships: [...memberships].map(([phoneNumber, wabaId]) => ({ phoneNumber, wabaId })), wabaLevel: [...wabaLevel] };
}

/** The known numbers of each WABA the routing needs; a failed lookup throws (the body must be retried, not lose its events). */
export async function knownNumbers(directory: WabaDirectory, wabaIds: readonly string[]): Promise<Map<string, string[]>> {
  const lists = await Promise.all(wabaIds.map((wabaId) => directory.numbersOf(wabaId)));
  return new Map(wabaIds.map((wabaId, index) => [wabaId, lists[index]!]));
}

/**
 * Who gets which changes. A change naming a number goes to that number. A change naming none goes
 * to every number of its entry's WABA: those `known` lists, and those this very body names in an
 * entry of that WABA (so a number first seen now is not missed while its membership is written).
 */
export function planCopies(routing: Routing, known: ReadonlyMap<string, readonly string[]>): CopyPlan {
  const shown = new Map<string, Set<string>>();
  for (const { phoneNumber, wabaId } of routing.changes) {
    if (phoneNumber && wabaId) shown.set(wabaId, (shown.get(wabaId) ?? new Set()).add(phoneNumber));
  }
  const recipientsOf = (wabaId: string) => new Set([...(shown.get(wabaId) ?? []), ...[...(known.get(wabaId) ?? [])].sort()]);

  const copies = new Map<string, ChangeRef[]>();
  const unrouted = new Map<string, Unrouted>();
  const give = (phoneNumber: string, ref: ChangeRef) => {
    const refs = copies.get(phoneNumber);
    if (refs) refs.push(ref);
    else copies.set(phoneNumber, [ref]);
  };
  for (const { entry, change, field, phoneNumber, wabaId } of routing.changes) {
    if (phoneNumber) {
      give(phoneNumber, { entry, change });
      continue;
    }
    const recipients = wabaId === undefined ? new Set<string>() : recipientsOf(wabaId);
    for (const recipient of recipients) give(recipient, { entry, change });
    if (recipients.size === 0) {
      const part = unrouted.get(wabaId ?? '') ?? { ...(wabaId && { wabaId }), fields: [], changes: 0 };
      part.changes++;
      if (field !== undefined && !part.fields.includes(field)) part.fields.push(field);
      unrouted.set(wabaId ?? '', part);
    }
  }
  return { copies, unrouted: [...unrouted.values()] };
}
