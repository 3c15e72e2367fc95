// Writes resources/run-config.schema.json from the one zod schema (src/shared/config/run-config.ts), so editors can
// validate and complete config files. `npm run schema` regenerates it; `--check` exits 1 if the committed file is stale.
// The input side is used: fields with defaults are optional, as when writing a config by hand. Cross-field rules
// (div needs a prime p, heads must divide dModel) cannot be said in JSON Schema; the app and the CLI still check them.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { RunConfigSchema } from '../src/shared/config/run-config';

export const SCHEMA_FILE = fileURLToPath(new URL('../resources/run-config.schema.json', import.meta.url));

export function runConfigJsonSchemaText(): string {
  // draft-07: the dialect that both VS Code's JSON service and the YAML language server fully understand
  const generated = z.toJSONSchema(RunConfigSchema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  const schema = {
    $schema,
    title: 'Grokscope run config',
    description:
      'One grokking run: a task, a model, an optimiser and training settings. JSON or YAML. Generated from ' +
      'src/shared/config/run-config.ts by `npm run schema`; do not edit by hand.',
    ...rest,
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

function main(args: string[]): number {
  const text = runConfigJsonSchemaText();
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current === text) return 0;
    process.stderr.write(`${SCHEMA_FILE} is stale: run \`npm run schema\`\n`);
    return 1;
  }
  writeFileSync(SCHEMA_FILE, text);
  process.stderr.write(`wrote ${SCHEMA_FILE}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
