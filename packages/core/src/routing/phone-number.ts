import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * The one form numbers are compared in (DESIGN §3): E.164 when the numbering plan of the
 * tenant's country can read it (`0612345678` in FR → `+33612345678`), otherwise the
 * digits as given (an extension, a short code, a number the plan does not know), so that
 * a blacklist entry and a caller's number compare equal however each was written.
 */
export function normalizeNumber(number: string, defaultCountry?: string): string {
  const trimmed = number.trim();
  const digits = trimmed.replace(/[^0-9+]/g, '');
  if (digits.replace(/\+/g, '').length >= 6) {
    const parsed = parsePhoneNumberFromString(digits, defaultCountry?.toUpperCase() as CountryCode | undefined);
    if (parsed?.isPossible()) return parsed.number;
  }
  return digits;
}
