// Text from users and files (run names, stored errors, file names) reaches the terminal through here. A raw ESC, \r,
// \b or C1 control could rewrite the screen or hide a run, and a bidi override could make a name read backwards, so
// each such character is printed as a visible escape (\x1b, \u202e) instead. Ordinary Unicode stays as it is.

/**
 * C0 controls, DEL, C1 controls, the line/paragraph separators, the bidi embedding/override/isolate marks and lone
 * surrogates (which a terminal shows as garbage). Tab and newline are matched too; safeText lets them through.
 */
const UNSAFE = new RegExp(
  [
    '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])', // a high surrogate without its low half
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]', // a low surrogate without its high half
  ].join('|'),
  'g',
);

const escapeChar = (ch: string): string => {
  const c = ch.charCodeAt(0);
  return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
};

/** For multi-line messages: every unsafe character escaped except tab and newline. */
export const safeText = (s: string): string => s.replace(UNSAFE, (ch) => (ch === '\n' || ch === '\t' ? ch : escapeChar(ch)));

/** For one line (a table cell, a name after a label): tab and newline escaped too. */
export const safeLine = (s: string): string => s.replace(UNSAFE, escapeChar);

/** Whether the text holds a character safeLine would escape. */
export const hasUnsafeChar = (s: string): boolean => {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
};

/**
 * JSON for stdout. JSON.stringify already escapes C0 controls and lone surrogates but leaves DEL, C1, U+2028/2029 and
 * the bidi marks raw; they are written as \uXXXX escapes, which parse back to the same string, so programs get the
 * same data and `--json | less` cannot be hijacked.
 */
export const safeJson = (v: unknown): string =>
  JSON.stringify(v, null, 2).replace(UNSAFE, (ch) => (ch === '\n' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
