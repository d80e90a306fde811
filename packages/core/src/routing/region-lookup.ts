import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * A number's home region (manual §3.6.1 "region matching", §3.3.4 area codes): the
 * longest prefix of a tenant-loaded table (CSV `prefix,region`), else the country
 * libphonenumber-js knows the number to belong to. The table wins because it can be finer
 * than a country (a city's area code, a mobile operator's range).
 */
export class RegionLookup {
  private readonly byPrefix = new Map<string, string>();
  private longest = 0;

  constructor(
    entries: Iterable<{ prefix: string; region: string }> = [],
    private readonly defaultCountry?: string,
  ) {
    for (const { prefix, region } of entries) this.add(prefix, region);
  }

  get size(): number {
    return this.byPrefix.size;
  }

  add(prefix: string, region: string): void {
    const digits = prefix.replace(/^\+/, '');
    this.byPrefix.set(digits, region);
    this.longest = Math.max(this.longest, digits.length);
  }

  /** The region of a number, or `undefined` when neither the table nor the numbering plan knows it. */
  regionOf(number: string): string | undefined {
    const digits = number.replace(/^\+/, '');
    // At most `longest` map lookups: numbers are short, so no trie is needed.
    for (let length = Math.min(this.longest, digits.length); length > 0; length--) {
      const region = this.byPrefix.get(digits.slice(0, length));
      if (region !== undefined) return region;
    }
    return countryOf(number, this.defaultCountry);
  }
}

/** The ISO country of a number by its numbering plan (E.164, or national in the default country). */
export function countryOf(number: string, defaultCountry?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number, defaultCountry?.toUpperCase() as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.country : undefined;
}

export interface RegionCsvResult {
  entries: Array<{ prefix: string; region: string }>;
  /** Bad lines, by 1-based line number; the good lines are kept. */
  errors: Array<{ line: number; reason: string }>;
}

/** Parses a `prefix,region` table; a header line is recognised and skipped. */
export function parseRegionCsv(text: string): RegionCsvResult {
  const entries: RegionCsvResult['entries'] = [];
  const errors: RegionCsvResult['errors'] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const comma = line.indexOf(',');
    const prefix = (comma < 0 ? line : line.slice(0, comma)).trim().replace(/^"|"$/g, '');
    const region = (comma < 0 ? '' : line.slice(comma + 1)).trim().replace(/^"|"$/g, '');
    if (index === 0 && !/^\+?[0-9]+$/.test(prefix)) return;
    if (!/^\+?[0-9]{1,15}$/.test(prefix)) errors.push({ line: index + 1, reason: `prefix "${prefix}" is not digits` });
    else if (region === '') errors.push({ line: index + 1, reason: 'no region' });
    else entries.push({ prefix, region });
  });
  return { entries, errors };
}
