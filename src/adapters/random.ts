import { randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../domain/kernel/ports.js';

export const cryptoRandom: RandomSource = {
  bytes: (n) => randomBytes(n),
  int: (max) => randomInt(max),
};
