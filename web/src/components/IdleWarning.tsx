import { useEffect, useRef, useState } from 'react';
import { endSessionHere, lastActivityAt, onActivity } from '../api/client';
import { fetchMe } from '../api/endpoints';
import { useTexts } from '../i18n/texts';

// The server ends a session after 30 minutes without a request. Two minutes before, the customer is
// asked whether to continue (延長 makes a request, which keeps the session alive).
export const IDLE_LIMIT_MS = 30 * 60_000;
export const WARNING_MS = 2 * 60_000;

export function IdleWarning() {
  const t = useTexts();
  const [now, setNow] = useState(() => Date.now());
  const [last, setLast] = useState(lastActivityAt);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const extendButton = useRef<HTMLButtonElement>(null);
  useEffect(() => onActivity(setLast), []);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = last + IDLE_LIMIT_MS - now;
  const warning = left <= WARNING_MS;
  useEffect(() => {
    if (left <= 0) endSessionHere();
  }, [left]);
  useEffect(() => {
    if (warning) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      heading.current?.focus();
    } else if (returnFocus.current) {
      returnFocus.current.focus();
      returnFocus.current = null;
    }
  }, [warning]);
  if (!warning || left <= 0) return null;

  const extend = async () => {
    setBusy(true);
    try {
      await fetchMe();
    } catch {
      // An ended session is handled by the client's 401 listener.
    } finally {
      setBusy(false);
    }
  };
  const seconds = Math.ceil(left / 1000);
  return (
    <div className="idle-backdrop">
      <div
        className="idle-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-body"
        onKeyDown={(event) => {
          // Modal: Tab stays on 延長, the one thing to do here.
          if (event.key !== 'Tab') return;
          event.preventDefault();
          extendButton.current?.focus();
        }}
      >
        <h2 id="idle-title" ref={heading} tabIndex={-1}>
          {t.idle.title}
        </h2>
        <p id="idle-body">{t.idle.body(Math.floor(seconds / 60), seconds % 60)}</p>
        <button type="button" className="primary" ref={extendButton} aria-busy={busy || undefined} onClick={() => void extend()}>
          {t.idle.extend}
        </button>
      </div>
    </div>
  );
}
