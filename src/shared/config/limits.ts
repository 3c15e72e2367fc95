// The bounds on config input, in one place so the CLI, the desktop app, the page and the API agree.

/** The largest config file accepted, in bytes, checked while reading. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * The longest config text accepted, in characters. Decoding UTF-8 never yields more UTF-16 characters than bytes, so
 * every file within MAX_CONFIG_BYTES is within this too.
 */
export const MAX_CONFIG_CHARS = MAX_CONFIG_BYTES;

/**
 * The most config text an API call may carry. Set well above the limit, so that text somewhat over it still reaches
 * the parser and comes back as a validation report naming the limit; far larger payloads are refused unread.
 */
export const MAX_CONFIG_PAYLOAD_CHARS = 16 * MAX_CONFIG_CHARS;

/**
 * The deepest nesting of lists and maps accepted. Real configs nest about 5 deep; the YAML library composes
 * recursively, and a few hundred levels exhaust the stack so badly that V8 aborts the whole process.
 */
export const MAX_CONFIG_DEPTH = 64;

/** The size limit as people read it. */
export const CONFIG_SIZE_LIMIT_TEXT = '64 KiB';
