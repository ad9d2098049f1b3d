import { describe, expect, it } from 'vitest';
import { missingEntries } from './support/stack-fixture.js';

describe('function entry files', () => {
  it('exist in functions/ for every route, the authorizer and delivery', () => {
    expect(missingEntries().map((handler) => `functions/${handler}.ts`)).toEqual([]);
  });
});
