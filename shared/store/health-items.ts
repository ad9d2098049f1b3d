// Breakers and parked notifications as DynamoDB items: what the health store writes and reads back,
// how a breaker's transition is written, and where a parked notification sits in its destination's line.
import type { DestinationHealth } from '../domain/destination-health.js';
import { keyOf, nameOf, refOf } from '../domain/destination.js';
import type { ParkedNotification } from '../domain/parking.js';
import { parkedPrefix, parkedSortKey } from './item-keys.js';
import { payloadOfStored, storedPayload } from './stored-payload.js';
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

export function toItem(parked: ParkedNotification): Record<string, unknown> {
  const { destination, position: _position, payload, ...rest } = parked;
  return { ...rest, ...(payload !== undefined && { payload: storedPayload(payload) }), destinationName: nameOf(destination) };
}

export function fromItem(item: Record<string, unknown>): ParkedNotification {
  const { pk: _pk, sk, destinationName, payload, [tableDefinition.timeToLiveAttribute]: _ttl, ...rest } = item;
  const parked = {
    ...(rest as Omit<ParkedNotification, 'destination'>),
    ...optional('payload', payloadOfStored(payload)),
    destination: refOf(typeof destinationName === 'string' ? destinationName : undefined),
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
