/**
 * A model, written for the tests, of how FreeSWITCH splits argument strings
 * (switch_separate_string in switch_utils.c, as read from the source):
 *
 * - tokenising: `\` protects the next character; a single quote opens/closes
 *   a quoted run (for the blank splitter always, for other delimiters only
 *   when another quote follows); the delimiter outside quotes ends a token;
 *   once the array is full the rest of the input stays in the last token;
 * - each token is then cleaned: leading blanks skipped, `\'` `\"` `\\`
 *   `\<delim>` and `\n \r \t \s` unescaped, paired quotes removed, trailing
 *   blanks outside quotes trimmed; any other `\x` is kept as is.
 */
export function separate(input: string, delim: string, max: number): string[] {
  const tokens: string[] = [];
  let i = 0;
  if (delim === ' ') while (input[i] === ' ') i++;
  let start = i;
  let inQuotes = false;
  while (i < input.length && tokens.length < max - 1) {
    const c = input[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'" && (delim === ' ' || inQuotes || input.indexOf("'", i + 1) !== -1)) {
      inQuotes = !inQuotes;
    } else if (c === delim && !inQuotes) {
      tokens.push(input.slice(start, i));
      i++;
      if (delim === ' ') while (input[i] === ' ') i++;
      start = i;
      continue;
    }
    i++;
  }
  if (start < input.length || tokens.length === 0) tokens.push(input.slice(start));
  return tokens.map((t) => cleanup(t, delim === ' ' ? '' : delim));
}

const UNESCAPE: Record<string, string> = { n: '\n', r: '\r', t: '\t', s: ' ' };

export function cleanup(token: string, delim: string): string {
  let i = 0;
  while (token[i] === ' ') i++;
  let out = '';
  let end = 0;
  let inQuotes = false;
  for (; i < token.length; i++) {
    const c = token[i]!;
    const next = token[i + 1];
    if (c === '\\' && next !== undefined && (next === "'" || next === '"' || next === '\\' || (delim !== '' && next === delim) || next in UNESCAPE)) {
      out += UNESCAPE[next] ?? next;
      end = out.length;
      i++;
      continue;
    }
    if (c === "'" && (inQuotes || token.indexOf("'", i + 1) !== -1)) {
      inQuotes = !inQuotes;
      if (inQuotes) end = out.length;
      continue;
    }
    out += c;
    if (c !== ' ' || inQuotes) end = out.length;
  }
  return out.slice(0, end);
}

/** `originate <url> <app>`: the channel variables of `{…}` and the rest of the url, as FreeSWITCH sees them. */
export function parseOriginate(args: string): { variables: Record<string, string>; dialString: string; application: string } {
  const argv = separate(args, ' ', 10);
  const url = argv[0]!;
  if (!url.startsWith('{')) throw new Error('no {…}');
  let depth = 0;
  let end = -1;
  for (let i = 0; i < url.length; i++) {
    if (url[i] === '{') depth++;
    else if (url[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('unbalanced {…}');
  const variables: Record<string, string> = {};
  for (const pair of separate(url.slice(1, end), ',', 1024)) {
    const [name, value] = separate(pair, '=', 2);
    if (name !== undefined && value !== undefined) variables[name] = value;
  }
  return { variables, dialString: url.slice(end + 1), application: argv[1]! };
}
