// The bad-input matrix under the local destination policy (npm start): loopback destinations are
// allowed, every other rule holds. bad-input-matrix-strict.test.ts runs the same matrix under strict.
import { describeBadInputMatrix } from './support/bad-input-matrix.js';

describeBadInputMatrix('local');
