// The dotted paths of a config schema's leaves ("optimizer.lr", "task.p"), read from the zod schema itself so that a
// form or an editor that lists config paths follows the schema when a field is added or removed.
import { z } from 'zod';

/** Every leaf path of an object schema, in declaration order; a union contributes the paths of all its variants once. */
export function schemaLeafPaths(schema: z.ZodType): string[] {
  const out = new Set<string>();
  collect(schema, '', out);
  return [...out];
}

function collect(schema: z.ZodType, prefix: string, out: Set<string>): void {
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      collect(child, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as readonly z.ZodType[]) collect(option, prefix, out);
  } else if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodReadonly
  ) {
    collect(schema.unwrap() as z.ZodType, prefix, out);
  } else if (schema instanceof z.ZodPipe) {
    // A transform or preprocess: the input side is what a config file writes.
    collect(schema.in as z.ZodType, prefix, out);
  } else if (prefix) {
    out.add(prefix);
  }
}
