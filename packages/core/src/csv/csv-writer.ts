/**
 * CSV output (RFC 4180): fields with a comma, quote or line break are quoted, quotes
 * doubled. A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return) gets a leading apostrophe, so an exported file can never
 * carry a formula injected through data (OWASP "CSV injection"); numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Turns records into CSV lines, header first, without holding more than one record. */
export async function* csvLines<T>(columns: ReadonlyArray<{ header: string; value: (record: T) => unknown }>, records: AsyncIterable<T> | Iterable<T>): AsyncIterable<string> {
  yield csvLine(columns.map((c) => c.header));
  for await (const record of records) yield csvLine(columns.map((c) => c.value(record)));
}
