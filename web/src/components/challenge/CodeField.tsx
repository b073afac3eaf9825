import { useEffect, useRef } from 'react';

/** A one-time code box: tied to its hint and, after a failure about the code, to the message (aria-invalid). */
export function CodeField({
  id,
  label,
  hint,
  value,
  onChange,
  invalid,
  errorId,
  maxLength = 6,
  numeric = true,
  focusKey,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange(value: string): void;
  invalid: boolean;
  errorId: string;
  maxLength?: number;
  numeric?: boolean;
  /** The field takes focus when this changes (a code was sent, or the method was chosen). */
  focusKey?: unknown;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusKey !== undefined) input.current?.focus();
  }, [focusKey]);
  const described = [hint ? `${id}-hint` : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={input}
        id={id}
        className={numeric ? 'code-input' : undefined}
        name="code"
        type="text"
        inputMode={numeric ? 'numeric' : 'text'}
        autoComplete={numeric ? 'one-time-code' : 'off'}
        autoCapitalize="off"
        spellCheck={false}
        maxLength={maxLength}
        required
        aria-invalid={invalid || undefined}
        aria-describedby={described}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint ? (
        <p className="help" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
