// The notifications a verified body becomes: the body itself, untouched with Meta's signature, for a
// number that gets all of it; otherwise a copy cut from the body's own text, escaped to ASCII and
// signed with the app secret, so receivers that verify X-Hub-Signature-256 accept it.
import { memberKeyText, memberText, spansOf, type ArraySpan, type MemberSpan, type ObjectSpan, type ValueSpan } from './json-spans.js';
import type { Notification } from './notification.js';
import { copyId, escapeNonAscii, notificationId, signatureOf } from './whatsapp.js';
import type { ChangeRef, CopyPlan } from './whatsapp-routing.js';

export interface ReceivedBody {
  rawBody: Buffer;
  /** Meta's X-Hub-Signature-256, already verified. */
  signature: string;
  receivedAt: number;
  /** How many changes the body holds: a copy with all of them is the whole body. */
  totalChanges: number;
}

/**
 * One notification per recipient of the plan. Ids: a body for one number keeps the id of its
 * payload; when a body goes to several numbers each copy's id also covers its number.
 */
export function notificationsFor(received: ReceivedBody, plan: CopyPlan, appSecret: string): Notification[] {
  const { rawBody, signature, receivedAt, totalChanges } = received;
  const several = plan.copies.size > 1;
  const text = rawBody.toString('utf8');
  let cut: ((refs: readonly ChangeRef[]) => string) | undefined; // spans only when a copy needs them
  return [...plan.copies].map(([phoneNumber, refs]) => {
    if (refs.length === totalChanges) {
      return { id: several ? copyId(phoneNumber, text) : notificationId(rawBody), phoneNumber, payload: text, signature, receivedAt };
    }
    cut ??= copyCutter(text);
    const payload = escapeNonAscii(cut(refs));
    return {
      id: several ? copyId(phoneNumber, payload) : notificationId(payload),
      phoneNumber,
      payload,
      signature: signatureOf(payload, appSecret),
      receivedAt,
    };
  });
}

/**
 * The body's text reduced to some of its changes: entries without any are left out, every other
 * member of the body and of each kept entry is kept as written, in its place.
 */
export function copyCutter(text: string): (refs: readonly ChangeRef[]) => string {
  // Four levels: the body, its entry array, each entry, each entry's changes array.
  const body = spansOf(text, 4) as ObjectSpan;
  const entryMember = lastMember(body, 'entry');
  const entries = (entryMember.value as ArraySpan).items;
  return (refs) => {
    const byEntry = new Map<number, number[]>();
    for (const { entry, change } of refs) {
      const changes = byEntry.get(entry);
      if (changes) changes.push(change);
      else byEntry.set(entry, [change]);
    }
    const kept = [...byEntry].map(([index, changes]) => {
      const entry = entries[index] as ObjectSpan;
      const changesMember = lastMember(entry, 'changes');
      const items = (changesMember.value as ArraySpan).items;
      return withMember(text, entry, changesMember, `[${changes.map((change) => textOf(text, items[change]!)).join(',')}]`);
    });
    return withMember(text, body, entryMember, `[${kept.join(',')}]`);
  };
}

/** The object with one member's value replaced; other members of that key go, as JSON.parse keeps only the last. */
function withMember(text: string, object: ObjectSpan, replaced: MemberSpan, value: string): string {
  const members = object.members
    .filter((member) => member.key !== replaced.key || member === replaced)
    .map((member) => (member === replaced ? `${memberKeyText(text, member)}${value}` : memberText(text, member)));
  return `{${members.join(',')}}`;
}

/** The member JSON.parse reads for `key`: the last one. Routing found changes there, so it exists. */
function lastMember(object: ObjectSpan, key: string): MemberSpan {
  return object.members.findLast((member) => member.key === key)!;
}

function textOf(text: string, span: ValueSpan): string {
  return text.slice(span.start, span.end);
}
