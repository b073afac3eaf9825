import { parsePhoneNumberWithError, ParseError } from 'libphonenumber-js/max';
import { fail, type Failure } from './errors.js';
import type { PhoneType } from './types.js';

export interface ParsedPhone {
  e164: string;
  type: PhoneType;
}

/** A domestic (Japanese) number, national (090-1234-5678) or E.164 (+81 90 1234 5678). */
export function parseDomesticPhone(input: string): ParsedPhone | Failure {
  const trimmed = input.normalize('NFKC').trim();
  if (trimmed.length === 0 || trimmed.length > 32) return fail('phone_invalid', { reason: 'format' });
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(trimmed, 'JP');
  } catch (error) {
    if (error instanceof ParseError) return fail('phone_invalid', { reason: 'format' });
    throw error;
  }
  if (parsed.country !== 'JP' && parsed.countryCallingCode !== '81') return fail('phone_not_domestic');
  if (!parsed.isValid()) return fail('phone_invalid', { reason: 'format' });
  if (parsed.country !== 'JP') return fail('phone_not_domestic');
  const type = parsed.getType();
  if (type === 'MOBILE') return { e164: parsed.number, type: 'mobile' };
  if (type === 'FIXED_LINE') return { e164: parsed.number, type: 'landline' };
  // IP phones (050), toll-free and pagers cannot be trusted to receive codes.
  return fail('phone_invalid', { reason: 'unsupported_type' });
}

/** The last four digits a customer recognises a phone number or a bank account by. */
export function last4(number: string): string {
  return number.slice(-4);
}
