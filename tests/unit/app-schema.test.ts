// resources/run-config.schema.json is generated from the zod schema and committed: it must never go stale.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runConfigJsonSchemaText, SCHEMA_FILE } from '../../scripts/gen-schema';

describe('run-config JSON Schema', () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');

  it('equals what `npm run schema` generates now', () => {
    expect(committed).toBe(runConfigJsonSchemaText());
  });

  it('describes the input side: defaulted fields are optional, unknown keys are refused', () => {
    const schema = JSON.parse(committed);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.title).toBe('Grokscope run config');
    expect(schema.required).toEqual(['task', 'model', 'training']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.task.oneOf.map((t: any) => [t.properties.kind.const, t.required])).toEqual([
      ['modular', ['kind', 'op', 'p']],
      ['permutation', ['kind', 'op']],
      ['teacher-student', ['kind']],
      ['mnist', ['kind']],
      ['messiness', ['kind']],
      ['imdb', ['kind', 'path']],
      ['qm9', ['kind', 'path']],
    ]);
    expect(schema.properties.training.required).toEqual(['steps']);
    expect(schema.properties.optimizer.properties.lr.default).toBe(0.001);
    expect(schema.properties.training.properties.steps.description).toBe('number of optimiser updates');
    expect(schema.properties.model.oneOf.map((m: any) => m.properties.kind.const)).toEqual(['mlp', 'transformer', 'lstm', 'gcn']);
  });
});
