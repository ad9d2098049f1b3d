// The bad-input matrix under both destination policies, each on a stack of its own in this process:
// local (npm start: loopback destinations allowed, every other rule holds) and strict (the deployed
// default: no loopback either).
import { describe } from 'vitest';
import { describeBadInputMatrix } from './support/bad-input-matrix.js';

for (const policy of ['local', 'strict'] as const) describe(`the ${policy} policy`, () => describeBadInputMatrix(policy));
