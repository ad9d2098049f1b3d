// The bad-input matrix under the strict destination policy (the deployed default): no loopback either.
// A file of its own because the policy is read once per process.
import { describeBadInputMatrix } from './support/bad-input-matrix.js';

describeBadInputMatrix('strict');
