// GET /deliveries' query string, read into a DeliveryQuery: every mistake is a sentence (400).
import { PRIMARY, cloneRef } from './destination.js';
import { STATUS_FILTERS, type DeliveryQuery, type StatusFilter } from './delivery-log.js';
import { Invalid } from './errors.js';
import { checkWebhookName } from './webhook-name.js';

export const DEFAULT_DELIVERY_PAGE = 25;
export const MAX_DELIVERY_PAGE = 100;

const PARAMETERS = ['status', 'destination', 'from', 'to', 'limit', 'cursor'] as const;
/** ISO 8601 with a zone, to the minute at least: "2026-12-01T17:00:00Z", "2026-12-01T18:00+01:00". */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `raw` is the query as URLSearchParams reads it (a repeated parameter appears twice). */
export function parseDeliveryQuery(raw: URLSearchParams): DeliveryQuery {
  const seen = new Set<string>();
  for (const name of raw.keys()) {
    if (!(PARAMETERS as readonly string[]).includes(name))
      throw new Invalid(`Unknown query parameter "${name.slice(0, 40)}": use ${PARAMETERS.join(', ')}.`);
    if (seen.has(name)) throw new Invalid(`Give the query parameter "${name}" once.`);
    seen.add(name);
  }
  const status = raw.get('status') ?? undefined;
  if (status !== undefined && !(STATUS_FILTERS as readonly string[]).includes(status))
    throw new Invalid(`status must be one of ${STATUS_FILTERS.join(', ')}.`);
  const destination = raw.get('destination') ?? undefined;
  const badName = destination === undefined || destination === 'primary' ? undefined : checkWebhookName(destination);
  if (badName) throw new Invalid(`destination must be "primary" or the exact name of an additional webhook: ${badName}`);
  const from = dateTime(raw, 'from');
  const to = dateTime(raw, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new Invalid('from must not be later than to.');
  const limit = raw.get('limit') ?? undefined;
  if (limit !== undefined && !(/^\d{1,3}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_DELIVERY_PAGE))
    throw new Invalid(`limit must be a whole number from 1 to ${MAX_DELIVERY_PAGE}.`);
  const cursor = raw.get('cursor') ?? undefined;
  if (cursor !== undefined && cursor.length === 0) throw new Invalid('cursor must be the "cursor" of a previous page.');
  return {
    ...(status !== undefined && { status: status as StatusFilter }),
    ...(destination !== undefined && { destination: destination === 'primary' ? PRIMARY : cloneRef(destination) }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    limit: limit === undefined ? DEFAULT_DELIVERY_PAGE : Number(limit),
    ...(cursor !== undefined && { cursor }),
  };
}

function dateTime(raw: URLSearchParams, name: 'from' | 'to'): number | undefined {
  const value = raw.get(name);
  if (value === null) return undefined;
  const at = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at) || at < 0) throw new Invalid(`${name} must be an ISO 8601 date and time with a zone, such as 2026-12-01T17:00:00Z.`);
  return at;
}
