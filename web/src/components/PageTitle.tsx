import { useEffect, useRef, type ReactNode } from 'react';
import { useTexts } from '../i18n/texts';

/** The page's heading; it takes focus on arrival so keyboard and screen-reader users start there. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const t = useTexts();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} | ${t.firm}`;
  }, [title, t.firm]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={heading}>
      {children}
    </h1>
  );
}
