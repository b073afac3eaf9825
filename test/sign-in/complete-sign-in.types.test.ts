import { describe, expectTypeOf, it } from 'vitest';
import type { Failure } from '../../src/domain/kernel/errors.js';
import type { completeSignIn, SignedIn } from '../../src/domain/sign-in/sign-in.js';
import type { signInWithPasskey } from '../../src/domain/sign-in/passkey-login.js';

// The last step of a sign-in only ever signs in: its type says so, so no caller keeps a branch for
// a second factor it cannot ask for (checked by `npm run typecheck`, which covers test/).

describe('completeSignIn', () => {
  it('returns a session made, nothing else', () => {
    expectTypeOf<Awaited<ReturnType<typeof completeSignIn>>>().toEqualTypeOf<SignedIn>();
    expectTypeOf<Awaited<ReturnType<typeof signInWithPasskey>>>().toEqualTypeOf<SignedIn | Failure>();
  });
});
