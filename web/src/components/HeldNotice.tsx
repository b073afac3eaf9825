import type { Held } from '../api/types';
import { useLanguage } from '../i18n/language-store';
import { useHoldTexts } from '../i18n/texts-holds';
import { Link } from '../router';
import { Alert } from './Alert';

/** An order or a withdrawal the risk engine held (202): nothing ran; the way to confirm it is one link away. */
export function HeldNotice({ held }: { held: Held }) {
  const h = useHoldTexts();
  const language = useLanguage();
  return (
    <div data-testid="held-notice">
      <Alert kind="info" focus>
        {h.held} {held.reason[language]}
      </Alert>
      <p>
        <Link to="/holds">{h.toHolds}</Link>
      </p>
    </div>
  );
}
