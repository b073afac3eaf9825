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
      {errorText(t, error, 'challenge')}
    </div>
  );
}

