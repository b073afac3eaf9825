import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/**
 * A labelled input with optional help text, tied together for screen readers. `errorId` names the message
 * of a failure about this field: the input is then aria-invalid and described by it.
 */
export function Field({ label, help, errorId, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; help?: ReactNode; errorId?: string | null }) {
  const id = useId();
  const helpId = `${id}-help`;
  const described = [help ? helpId : null, errorId ?? null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={described} aria-invalid={errorId ? true : undefined} {...input} />
      {help ? (
        <p className="help" id={helpId}>
          {help}
        </p>
      ) : null}
    </div>
  );
}
