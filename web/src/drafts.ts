import { useEffect, useState } from 'react';
import { usePath } from './router';

// What the customer typed, kept in memory so that a session that ends (the idle limit) does not lose it:
// after signing in again they return to the page they were on, with these fields filled in again.
// Only plain fields use it: never a password, a trading password or a code.

const drafts = new Map<string, string>();
let keeping = false;
let returnPath: string | null = null;

/** A text field's state that survives the end of the session (not a secret: see above). */
export function useDraft(field: string, initial = ''): [string, (value: string) => void] {
  const path = usePath();
  const key = `${path}#${field}`;
  const [value, setValue] = useState(() => drafts.get(key) ?? initial);
  useEffect(() => {
    drafts.set(key, value);
  }, [key, value]);
  // Leaving the page normally forgets the draft; the session ending keeps it for the return.
  useEffect(() => () => void (keeping || drafts.delete(key)), [key]);
  return [value, setValue];
}

/** The session ended on `path`: keep the drafts and come back there after the next sign-in. */
export function keepForReturn(path: string): void {
  keeping = true;
  returnPath = path;
}

/** After signing in: where to go (once), or null for マイページ. */
export function takeReturnPath(): string | null {
  const path = returnPath;
  returnPath = null;
  keeping = false;
  return path;
}

/** Signing out on purpose forgets everything typed. */
export function forgetDrafts(): void {
  drafts.clear();
  returnPath = null;
  keeping = false;
}
