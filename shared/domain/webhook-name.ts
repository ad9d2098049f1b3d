// Whether a string may name an additional webhook; names are kept exactly as given (no trimming, no case folding).
import { MAX_NAME_LENGTH } from './limits.js';

// In a 'u' regex a surrogate pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;
// C0, DEL and C1.
const CONTROL = /\p{Cc}/u;

/** undefined for a valid name, else one sentence for the API user. */
export function checkWebhookName(name: string): string | undefined {
  if (typeof name !== 'string') return 'name must be a string.';
  if (name.length === 0) return 'name must not be empty.';
  if (countCodePoints(name) > MAX_NAME_LENGTH) return `name must be at most ${MAX_NAME_LENGTH} characters long.`;
  if (LONE_SURROGATE.test(name)) return 'name must be valid Unicode text (it contains an unpaired surrogate).';
  if (CONTROL.test(name)) return 'name must not contain control characters.';
  return undefined;
}

// An emoji is one character to the user but two UTF-16 units; a code point never takes more than two.
function countCodePoints(text: string): number {
  if (text.length > 2 * MAX_NAME_LENGTH) return text.length; // too long either way; skip the walk
  return [...text].length;
}
