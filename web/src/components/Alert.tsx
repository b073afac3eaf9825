import type { ReactNode } from 'react';
import { useFocusOn } from '../hooks/useFocus';

/**
 * Errors are announced (role="alert"); confirmations politely (role="status"). An error or a success
 * appearing after the customer's act takes focus (`focus`, on by default for those two), so that the
 * keyboard and the screen reader land on what happened; `id` lets a field name it in aria-describedby.
 */
export function Alert({ kind, children, id, focus = kind !== 'info' }: { kind: 'error' | 'success' | 'info'; children: ReactNode; id?: string; focus?: boolean }) {
  const ref = useFocusOn<HTMLDivElement>(null, focus);
  if (!children) return null;
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'} id={id} ref={ref} tabIndex={focus ? -1 : undefined}>
      {children}
    </div>
  );
}
