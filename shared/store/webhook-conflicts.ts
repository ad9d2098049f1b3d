// What the webhook store answers when a change cannot be made: sentences for the API's user.
import { Conflict, NotFound } from '../domain/errors.js';
import { MAX_ADDITIONAL_WEBHOOKS } from '../domain/limits.js';

export const notEnabled = () =>
  new Conflict('Multiple webhooks are not enabled for this phone number; enable them with POST /multi_webhook first.');
export const alreadyEnabled = () => new Conflict('Multiple webhooks are already enabled; add destinations with PUT /multi_webhook.');
export const capReached = (adding: number) =>
  new Conflict(`A phone number can have at most ${MAX_ADDITIONAL_WEBHOOKS} additional webhooks; adding ${adding} would exceed that.`);
export const duplicateName = (name: string) => new Conflict(`A webhook named "${name}" already exists for this phone number.`);
export const changeInProgress = () =>
  new Conflict("Another change to this phone number's webhooks was in progress; send the request again.");
export const unknownName = (name: string) =>
  new NotFound(`No webhook named "${name}" exists for this phone number (names are case-sensitive).`);
export const noPrimary = () => new NotFound('No primary webhook is set for this phone number; set one with POST /v1/configs/webhook.');
export const notSigning = () => new Conflict('This webhook does not sign its deliveries; turn signing on with "signing": true first.');
