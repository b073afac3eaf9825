import { MAX_AMOUNT, MAX_QUANTITY } from '../domain/money/ledger.js';

// JSON schemas of request bodies: one source for validation and the OpenAPI document. Unknown
// fields are refused (additionalProperties: false, and Ajv is told not to strip them).

type Schema = Record<string, unknown>;

/**
 * Text a person types: bounded, no control characters (NUL, escapes) and no lone UTF-16 surrogates
 * (invalid text that databases would store mangled). Ajv matches patterns in Unicode mode, where a
 * surrogate pair is one code point and only a lone half falls in the excluded range.
 */
export const text = (maxLength: number, minLength = 0): Schema => ({
  type: 'string',
  minLength,
  maxLength,
  pattern: '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$',
});
/** A secret: any Unicode, bounded (NIST: no truncation, so over-long is refused, not cut). */
export const secret: Schema = { type: 'string', maxLength: 1024 };
export const challengeId: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
export const enumOf = (...values: string[]): Schema => ({ type: 'string', enum: values });

/**
 * A number in a query string. A query string is text and Ajv coerces no types here, so an `integer`
 * schema refused every value given: the number is matched as digits and read with `queryNumber`.
 */
export const digits = (most: number, description?: string): Schema => ({ type: 'string', pattern: `^[0-9]{1,${most}}$`, ...(description ? { description } : {}) });

/** The number a `digits` parameter holds, held to [min, max]; `fallback` when absent. */
export function queryNumber(raw: string | undefined, fallback: number, min: number, max: number): number {
  return Math.min(Math.max(raw === undefined ? fallback : Number(raw), min), max);
}

export function body(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, properties, required };
}

export const bankAccount = body(
  { bankName: text(64, 1), branchName: text(64, 1), accountNumber: text(16, 1), holderName: text(64, 1) },
  ['bankName', 'branchName', 'accountNumber', 'holderName'],
);

export const idParams: Schema = { type: 'object', properties: { id: challengeId }, required: ['id'] };

export const amountSchema: Schema = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT };
export const quantitySchema: Schema = { type: 'integer', minimum: 1, maximum: MAX_QUANTITY };
