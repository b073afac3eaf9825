import type { ReactNode } from 'react';
import { Field } from './Field';

/** 取引パスワード: asked before any code is sent, never remembered by the browser's password manager. */
export function TradingPasswordField({ label, disabled, value, onChange, errorId }: { label: ReactNode; disabled: boolean; value: string; onChange(value: string): void; errorId?: string | null }) {
  return <Field label={label} name="tradingPassword" type="password" autoComplete="off" required disabled={disabled} errorId={errorId} value={value} onChange={(e) => onChange(e.target.value)} />;
}
