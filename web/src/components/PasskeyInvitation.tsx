import { useState } from 'react';
import { fetchPasskeys } from '../api/factors';
import { useLoad } from '../hooks/useLoad';
import { useDefenceTexts } from '../i18n/texts-defences';
import { navigate } from '../router';

// パスキーの作成のおすすめ (issue 16.6): after a sign-in by a customer without a passkey. "Later" puts it
// away until the next sign-in, when it is asked again.

const DUE = 'kabuto-passkey-invitation';

/** Called at every sign-in: the invitation is due (shown only if the customer has no passkey). */
export function invitePasskeyAfterSignIn(): void {
  try {
    window.sessionStorage.setItem(DUE, 'due');
  } catch {
    // Storage refused (private mode): no invitation, nothing else changes.
  }
}

function due(): boolean {
  try {
    return window.sessionStorage.getItem(DUE) === 'due';
  } catch {
    return false;
  }
}

function putAway(): void {
  try {
    window.sessionStorage.removeItem(DUE);
  } catch {
    // Nothing to put away.
  }
}

export function PasskeyInvitation() {
  const d = useDefenceTexts();
  const [open, setOpen] = useState(due);
  const passkeys = useLoad(fetchPasskeys);
  if (!open || typeof window.PublicKeyCredential === 'undefined' || passkeys.state !== 'ready' || passkeys.data.passkeys.length > 0) return null;
  return (
    <aside className="card invitation" aria-labelledby="invitation-heading" data-testid="passkey-invitation">
      <h2 id="invitation-heading">{d.invitation.title}</h2>
      <p>{d.invitation.text}</p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            putAway();
            navigate('/settings/passkeys');
          }}
        >
          {d.invitation.create}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            putAway();
            setOpen(false);
          }}
        >
          {d.invitation.later}
        </button>
      </div>
    </aside>
  );
}
