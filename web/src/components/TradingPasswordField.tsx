import type { ReactNode } from 'react';
import { Field } from './Field';

/** 取引パスワード: asked before any code is sent, never remembered by the browser's password manager. */
export function TradingPasswordField({ label, disabled, value, onChange }: { label: ReactNode; disabled: boolean; value: string; onChange(value: string): void }) {
  return <Field label={label} name="tradingPassword" type="password" autoComplete="off" required disabled={disabled} value={value} onChange={(e) => onChange(e.target.value)} />;
}
