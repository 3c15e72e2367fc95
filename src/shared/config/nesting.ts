// Measures how deeply a config text nests before anything parses it recursively. The YAML library's lexer and
// parser are iterative but its composer recurses once per level, and when that recursion reaches the stack's end V8
// can abort the process outright (a regular expression compiled with no stack left), which no try/catch survives.
// So the text is first scanned without recursion, stopping as soon as it nests too deeply.
import { Lexer, Parser } from 'yaml';
import type { ConfigProblem } from './errors';
import { lineOfOffset } from './json-locate';
import { MAX_CONFIG_DEPTH } from './limits';

const tooDeep = (text: string, offset: number): ConfigProblem => ({
  path: '',
  message: `nests lists and maps more than ${MAX_CONFIG_DEPTH} levels deep (a config nests a few levels; at most ${MAX_CONFIG_DEPTH})`,
  line: lineOfOffset(text, offset),
});

/** JSON: brackets outside strings. Returns the offset where the depth first exceeds the limit, or null. */
function jsonTooDeepAt(text: string): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 92 /* \ */) i++;
        else if (s === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > MAX_CONFIG_DEPTH) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth = Math.max(0, depth - 1);
  }
  return null;
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * YAML: the library's own lexer and parser (iterative, so quotes, comments, block scalars, indentation and compact
 * `- - x` forms are read exactly as the composer will see them), token by token, watching the parser's stack of open
 * nodes. The stack holds at least one entry per open collection, so it is only counted when it is long.
 */
function yamlTooDeepAt(text: string): number | null {
  const parser = new Parser();
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const _ of parser.next(lexeme));
    offset += lexeme.length;
    if (parser.stack.length > MAX_CONFIG_DEPTH) {
      let open = 0;
      for (const token of parser.stack) if (COLLECTIONS.has(token.type)) open++;
      if (open > MAX_CONFIG_DEPTH) return offset - lexeme.length;
    }
  }
  return null;
}

/** A located problem when the text nests deeper than MAX_CONFIG_DEPTH, else null. Linear in the text's length. */
export function nestingProblem(text: string, format: 'json' | 'yaml'): ConfigProblem | null {
  const at = format === 'json' ? jsonTooDeepAt(text) : yamlTooDeepAt(text);
  return at === null ? null : tooDeep(text, at);
}
