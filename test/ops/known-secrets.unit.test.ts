import { describe, expect, it } from 'vitest';
import { secretIn } from '../support/known-secrets.js';

// The suite's check that no secret reaches a log (test/support/known-secrets.ts) must find a leaked code
// and must not fail a run on a code's digits met by chance in a request ID or a response time.
describe('the log check for secrets', () => {
  const code = '512345';

  it('finds a code wherever it is logged as a code', () => {
    expect(secretIn(code, `{"msg":"sent","code":"${code}"}`)).toBe(true);
    expect(secretIn(code, `{"code":${code},"at":1}`)).toBe(true);
    expect(secretIn(code, `認証コード: ${code}`)).toBe(true);
    expect(secretIn(code, `/api/v1/verify/${code}?x=1`)).toBe(true);
  });

  it('does not take its digits inside a request ID, a longer number or a response time for it', () => {
    expect(secretIn(code, `"reqId":"6ca40bb0-e169-436e-9314-ab${code}cd"`)).toBe(false);
    expect(secretIn(code, `"reqId":"${code}ab-e169-436e-9314-8735d03b76e4"`)).toBe(false);
    expect(secretIn(code, `"time":1796${code}208`)).toBe(false);
    expect(secretIn(code, `"responseTime":13.${code}`)).toBe(false);
  });

  it('finds any other secret as it is', () => {
    expect(secretIn('correct horse battery 1x1', 'password=correct horse battery 1x1')).toBe(true);
    expect(secretIn('correct horse battery 1x1', 'password=[redacted]')).toBe(false);
  });
});
