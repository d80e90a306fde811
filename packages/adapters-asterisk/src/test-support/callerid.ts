/**
 * A model, written for the tests, of how Asterisk's ast_callerid_parse
 * (main/callerid.c) reads `"Name" <number>`: blanks trimmed, the last `<…>`
 * is the number, the name before it loses its blanks and surrounding double
 * quotes, then `\x` becomes `x` (ast_unescape_quoted).
 */
export function parseCallerId(input: string): { name: string | undefined; number: string | undefined } {
  const stripQuotes = (s: string) => {
    const t = s.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  };
  const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
  let text = input.trim();
  text = stripQuotes(text);
  const lt = text.lastIndexOf('<');
  if (lt < 0) return { name: unescape(stripQuotes(text)), number: undefined };
  const gt = text.indexOf('>', lt);
  const number = text.slice(lt + 1, gt < 0 ? undefined : gt);
  const name = stripQuotes(text.slice(0, lt));
  return { name: unescape(name), number };
}
