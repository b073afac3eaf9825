import type { ButtonHTMLAttributes, MouseEvent } from 'react';

/**
 * A button that, while its request runs, is announced as unavailable (aria-disabled, aria-busy) but keeps
 * the keyboard focus: a `disabled` button would drop focus to the page body. Clicks while busy do nothing.
 */
export function BusyButton({ busy, onClick, className = 'primary', type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean }) {
  const click = (event: MouseEvent<HTMLButtonElement>) => {
    if (busy) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  };
  return <button type={type} className={className} aria-disabled={busy || undefined} aria-busy={busy || undefined} onClick={click} {...rest} />;
}
