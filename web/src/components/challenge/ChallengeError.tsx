import { ApiError } from '../../api/client';
import { useFocusOn } from '../../hooks/useFocus';
import { errorText } from '../../i18n/error-text';
import { useTexts } from '../../i18n/texts';

/** The failure of the last try, in words; it takes focus at each new failure. */
export function ChallengeError({ id, error, failures }: { id: string; error: unknown; failures: number }) {
  const t = useTexts();
  const ref = useFocusOn<HTMLDivElement>(failures);
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" id={id} tabIndex={-1} ref={ref}>
      {describe(t, error)}
    </div>
  );
}

function describe(t: ReturnType<typeof useTexts>, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'code_format') return t.errors.codeFormat;
    if (error.code === 'passkey_cancelled') return t.code.passkeyCancelled;
    if (error.code === 'too_many_attempts') return t.errors.deadChallenge;
    if (error.code === 'invalid_code' && Number(error.fields.attemptsLeft) <= 0) return t.errors.deadChallenge;
  }
  return errorText(t, error);
}
