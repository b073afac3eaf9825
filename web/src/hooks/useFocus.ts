import { useEffect, useRef } from 'react';

/**
 * Moves focus to the element when `key` changes (and on mount unless `onMount` is false): a new step's
 * heading, or the message of a new failure, so that keyboard and screen-reader users are taken there.
 */
export function useFocusOn<T extends HTMLElement>(key: unknown, onMount = true) {
  const ref = useRef<T>(null);
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current || onMount) ref.current?.focus({ preventScroll: false });
    mounted.current = true;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return ref;
}
