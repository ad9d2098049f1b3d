// What a list of the delivery log asks DynamoDB: the filter of a query as records stand at a time,
// and the cursor between pages, which can never move a Query out of the caller's own partition.
import { statusesOf, type DeliveryQuery, type DeliveryStatus } from '../domain/delivery-log.js';
import { Invalid } from '../domain/errors.js';
import { DELIVERY_RECORD_PREFIX } from './item-keys.js';

/**
 * Which stored records stand in each status at a time `:now` (standingAt: a parked one past its
 * window is dead), and the stored statuses each condition names.
 */
const STANDING: Record<DeliveryStatus, { condition: string; stored: DeliveryStatus[]; byWindow?: true }> = {
  retrying: { condition: '#status = :retrying', stored: ['retrying'] },
  delivered: { condition: '#status = :delivered', stored: ['delivered'] },
  parked: {
    condition: '#status = :parked AND (attribute_not_exists(#giveUpAt) OR #giveUpAt > :now)',
    stored: ['parked'],
    byWindow: true,
  },
  dead: { condition: '#status = :dead OR (#status = :parked AND #giveUpAt <= :now)', stored: ['dead', 'parked'], byWindow: true },
};

export function filterOf(query: DeliveryQuery, now: number) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.status) {
    const standings = statusesOf(query.status).map((status) => STANDING[status]);
    names['#status'] = 'status';
    for (const status of standings.flatMap((standing) => standing.stored)) values[`:${status}`] = status;
    if (standings.some((standing) => standing.byWindow)) {
      names['#giveUpAt'] = 'giveUpAt';
      values[':now'] = now;
    }
    // DynamoDB refuses doubled parentheses: each condition is bare, grouped here once.
    const grouped = standings.map(({ condition }) => (standings.length > 1 && condition.includes(' AND ') ? `(${condition})` : condition));
    parts.push(`(${grouped.join(' OR ')})`);
  }
  if (query.destination) {
    names['#role'] = 'role';
    values[':role'] = query.destination.role;
    parts.push('#role = :role');
    if (query.destination.role === 'clone') {
      names['#destination'] = 'destination';
      values[':destination'] = query.destination.name;
      parts.push('#destination = :destination');
    }
  }
  return parts.length === 0 ? undefined : { expression: parts.join(' AND '), names, values };
}

/**
 * The cursor names the number it was given to and where its page ended. Opaque to clients, and
 * checked: another number's cursor, or one outside this query's time range, is refused, so a cursor
 * can never move a Query out of the caller's own partition (which comes from the API key anyway).
 */
export function writeCursor(phoneNumber: string, sortKey: string): string {
  return Buffer.from(JSON.stringify({ p: phoneNumber, k: sortKey }), 'utf8').toString('base64url');
}

export function readCursor(cursor: string, phoneNumber: string, low: string, high: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const { p, k } = (typeof decoded === 'object' && decoded !== null ? decoded : {}) as { p?: unknown; k?: unknown };
  if (typeof p !== 'string' || typeof k !== 'string' || !k.startsWith(DELIVERY_RECORD_PREFIX))
    throw new Invalid('cursor is not one this API gave: pass the "cursor" of the previous page unchanged.');
  if (p !== phoneNumber) throw new Invalid("cursor belongs to another phone number's deliveries.");
  if (k < low || k > high) throw new Invalid('cursor lies outside the from/to range: keep the filters of the page it came from.');
  return k;
}
