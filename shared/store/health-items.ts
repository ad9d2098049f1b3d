// Breakers and parked notifications as DynamoDB items: what the health store writes and reads back,
// how a breaker's transition is written, and where a parked notification sits in its destination's line.
import type { DestinationHealth } from '../domain/destination-health.js';
import { keyOf, type DestinationRef } from '../domain/destination.js';
import type { ParkedNotification } from '../domain/parking.js';
import { parkedIdOf, parkedPartition, parkedPrefix, parkedSortKey } from './item-keys.js';
import { notificationOfStored, storedNotification } from './stored-payload.js';
import { tableDefinition } from './table-definition.js';

/** A health item as the domain sees it (also read by the configuration query of the number's partition). */
export function healthFromItem(item: Record<string, unknown>): DestinationHealth {
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : undefined);
  const state = item.state === 'open' || item.state === 'draining' ? item.state : 'closed';
  return {
    state,
    consecutiveFailures: number('consecutiveFailures') ?? 0,
    failedProbes: number('failedProbes') ?? 0,
    parked: number('parked') ?? 0,
    ...optional('openedAt', number('openedAt')),
    ...optional('nextProbeAt', number('nextProbeAt')),
    ...optional('lastStatus', number('lastStatus')),
    ...optional('lastError', typeof item.lastError === 'string' ? item.lastError : undefined),
    ...optional('lastLatencyMs', number('lastLatencyMs')),
    ...optional('changedAt', number('changedAt')),
    ...optional('paused', item.paused === true ? true : undefined),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Parked items outlive their window by this much, so the dead-letter path (not the TTL) ends them. */
const PARKED_TTL_MARGIN_SECONDS = 7 * 24 * 60 * 60;

/**
 * The parked item at sort key `sk`. Its key says the number, the destination and, at its place by
 * arrival, the id: only a late copy (kept elsewhere in the line) stores its id. The rest under
 * one-letter names, since a park's transaction bills the item at 2 write units per KB.
 */
export function parkedItem(parked: ParkedNotification, sk: string): Record<string, unknown> {
  const natural = parkedSortKey(keyOf(parked.destination), parked.receivedAt, parked.id);
  return {
    pk: parkedPartition(parked.phoneNumber),
    sk,
    ...storedNotification(parked),
    ...(sk !== natural && { i: parked.id }),
    a: parked.attempt,
    w: parked.windowStart,
    d: parked.deadline,
    ...(parked.recordDiesAtDeadline && { l: 1 }),
    [tableDefinition.timeToLiveAttribute]: Math.ceil(parked.deadline / 1000) + PARKED_TTL_MARGIN_SECONDS,
  };
}

/** The attribute a failed probe or drain attempt adds one to (see fromItem for items written before the short names). */
export const PARKED_ATTEMPT_ATTRIBUTE = 'a';

/** A parked item of `phoneNumber`'s `destination`, as the query of that destination's line returned it. */
export function fromItem(item: Record<string, unknown>, phoneNumber: string, destination: DestinationRef): ParkedNotification {
  if (item.w === undefined) return fromLegacyItem(item, phoneNumber, destination);
  const sk = String(item.sk);
  const parked: ParkedNotification = {
    phoneNumber,
    destination,
    id: typeof item.i === 'string' ? item.i : parkedIdOf(keyOf(destination), sk),
    ...notificationOfStored(item),
    attempt: item.a as number,
    windowStart: item.w as number,
    deadline: item.d as number,
    ...(item.l === 1 && { recordDiesAtDeadline: true as const }),
  };
  return sk === sortKeyOf(parked) ? parked : { ...parked, position: sk };
}

/** An item parked before the short names: every field under its long name, the payload a plain string. */
function fromLegacyItem(item: Record<string, unknown>, phoneNumber: string, destination: DestinationRef): ParkedNotification {
  const { sk } = item;
  const parked: ParkedNotification = {
    phoneNumber,
    destination,
    id: item.id as string,
    ...notificationOfStored(item),
    // Counted since under the short name.
    attempt: (item.attempt as number) + ((item[PARKED_ATTEMPT_ATTRIBUTE] as number | undefined) ?? 0),
    windowStart: item.windowStart as number,
    deadline: item.deadline as number,
  };
  return sk === sortKeyOf(parked) ? parked : { ...parked, position: String(sk) };
}

export function sortKeyOf(parked: ParkedNotification): string {
  return parked.position ?? parkedSortKey(keyOf(parked.destination), parked.receivedAt, parked.id);
}

/** A late copy's place: right after the given-up head, in arrival order among the other late ones. */
export function lateSortKey(givenUpThrough: string, destinationKey: string, natural: string): string {
  return `${givenUpThrough}#${natural.slice(parkedPrefix(destinationKey).length)}`;
}

/** The health fields a transition writes; `parked` changes only by atomic additions. */
const TRANSITION_FIELDS = [
  'state',
  'consecutiveFailures',
  'failedProbes',
  'openedAt',
  'nextProbeAt',
  'lastStatus',
  'lastError',
  'lastLatencyMs',
  'changedAt',
  'paused',
] as const;

/** The update of a transition: if nobody changed the breaker (its version), nor its park count when that is given, since the read. */
export function transitionUpdate(health: DestinationHealth, version: number, parked: number | undefined) {
  const set = TRANSITION_FIELDS.filter((field) => health[field] !== undefined);
  const removed = TRANSITION_FIELDS.filter((field) => health[field] === undefined);
  const names = Object.fromEntries(TRANSITION_FIELDS.map((field) => [`#${field}`, field]));
  return {
    UpdateExpression: [
      `SET ${[...set.map((field) => `#${field} = :${field}`), '#version = :nextVersion'].join(', ')}`,
      removed.length > 0 ? `REMOVE ${removed.map((field) => `#${field}`).join(', ')}` : '',
    ].join(' '),
    ConditionExpression: [
      version === 0 ? 'attribute_not_exists(#version)' : '#version = :version',
      ...(parked === undefined ? [] : ['(#parked = :parked OR attribute_not_exists(#parked))']),
    ].join(' AND '),
    ExpressionAttributeNames: { ...names, '#version': 'version', ...(parked !== undefined && { '#parked': 'parked' }) },
    ExpressionAttributeValues: {
      ...Object.fromEntries(set.map((field) => [`:${field}`, health[field]])),
      ':nextVersion': version + 1,
      ...(version !== 0 && { ':version': version }),
      ...(parked !== undefined && { ':parked': parked }),
    },
  };
}
