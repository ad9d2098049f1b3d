// A small IAM evaluator for the statements the stack writes: does this policy allow this DynamoDB item
// call (action, partition key) on the table? Deny wins; only the condition operators the stack uses
// are understood, and anything else fails loudly rather than guessing.
import type { Statement } from './template-queries.js';

export interface ItemCall {
  /** "dynamodb:GetItem", ... */
  readonly action: string;
  /** The partition keys the call touches (dynamodb:LeadingKeys); empty for a Scan. */
  readonly leadingKeys: readonly string[];
}

/** IAM's StringLike: `*` any run of characters, `?` one character, everything else literal. */
function like(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function actionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => like(pattern, action));
}

function conditionHolds(condition: unknown, call: ItemCall): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition as Record<string, Record<string, string[]>>).every(([operator, keys]) =>
    Object.entries(keys).every(([key, patterns]) => {
      if (key !== 'dynamodb:LeadingKeys') throw new Error(`evaluator: condition key ${key} is not understood`);
      const values = call.leadingKeys;
      const matchesAny = (value: string) => patterns.some((pattern) => like(pattern, value));
      switch (operator) {
        // IAM: ForAllValues holds for a request without the key; ForAnyValue does not.
        case 'ForAllValues:StringLike':
          return values.every(matchesAny);
        case 'ForAllValues:StringNotLike':
          return values.every((value) => !matchesAny(value));
        case 'ForAnyValue:StringLike':
          return values.some(matchesAny);
        default:
          throw new Error(`evaluator: condition operator ${operator} is not understood`);
      }
    }),
  );
}

/** Allowed when some Allow statement on the table matches and no Deny statement does. */
export function allows(statements: readonly Statement[], onTable: (statement: Statement) => boolean, call: ItemCall): boolean {
  const matching = statements.filter((s) => onTable(s) && actionMatches(s.actions, call.action) && conditionHolds(s.condition, call));
  return matching.some((s) => s.effect === 'Allow') && !matching.some((s) => s.effect === 'Deny');
}
