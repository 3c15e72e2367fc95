// Locates problems in config text, so a researcher fixing a file gets the line: the line of an offset, the first
// syntax error of a JSON text (JSON.parse in Node 20 often omits the position), a key given twice.

/** The 1-based line of a character offset in a config text. */
export const lineOfOffset = (text: string, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/** The offset of the first syntax error in a JSON text, or null when it parses. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const str = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            fail();
          }
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else {
          i++;
          fail();
        }
      } else if (c < ' ') fail();
      else i++;
    }
    fail();
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail();
      }
    }
    if (c === '"') return str();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    return num();
  };
  try {
    value();
    ws();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === 'number' ? at : null;
  }
}

/**
 * The first key repeated within one object of a valid JSON text, with its config path and offset. JSON.parse keeps
 * the last value silently, so a config that sets a field twice would run with a value its author may not see.
 * A single pass with an explicit stack: no recursion however deep the text.
 */
export function jsonDuplicateKey(text: string): { path: string; key: string; offset: number } | null {
  type Frame = { path: string; keys: Set<string> | null; index: number };
  const stack: Frame[] = [];
  let expectKey = false;
  let pendingPath = '';
  const childPath = (top: Frame | undefined): string => (top === undefined ? '' : top.keys ? pendingPath : `${top.path}[${top.index}]`);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (top?.keys && expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        const path = top.path ? `${top.path}.${key}` : key;
        if (top.keys.has(key)) return { path, key, offset: start };
        top.keys.add(key);
        pendingPath = path;
        expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      stack.push({ path: childPath(top), keys: c === '{' ? new Set() : null, index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',' && top) {
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return null;
}
