import { describe, expect, expectTypeOf, it } from 'vitest';
import { fail, failureOf, type Failure } from '../../src/domain/kernel/errors.js';

// Each error code's public fields are typed: `fail` is checked against them (by `npm run typecheck`,
// which covers test/), and narrowing a failure on its code narrows its fields.

describe('typed failure details', () => {
  it('checks the details of each code', () => {
    const wait = fail('resend_too_soon', { retryAfter: 3 });
    expectTypeOf(wait.fields.retryAfter).toEqualTypeOf<number>();
    expect(wait).toEqual({ failure: true, code: 'resend_too_soon', fields: { retryAfter: 3 } });
    expect(fail('not_found')).toEqual({ failure: true, code: 'not_found', fields: {} });

    // @ts-expect-error resend_too_soon carries a required retryAfter
    fail('resend_too_soon');
    // @ts-expect-error not_found carries no fields
    fail('not_found', { retryAfter: 1 });
    // @ts-expect-error attemptsLeft is a number
    fail('invalid_code', { attemptsLeft: 'three' });
  });

  it('narrows the fields by the code', () => {
    const failure = fail('invalid_trading_password', { attemptsLeft: 2 }) as Failure;
    if (failure.code === 'invalid_trading_password') expectTypeOf(failure.fields.attemptsLeft).toEqualTypeOf<number>();
    expect('retryAfter' in failure.fields).toBe(false);
  });

  it('reads a stored code back only while it exists', () => {
    expect(failureOf('insufficient_cash')).toEqual({ failure: true, code: 'insufficient_cash', fields: {} });
    expect(failureOf('insufficient_funds_v0')).toBeUndefined();
  });
});
