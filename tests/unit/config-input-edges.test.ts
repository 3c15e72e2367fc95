// The edges of config text: nesting deep enough to crash a recursive parser, byte order marks, repeated keys,
// standard input and the one size limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText, parseDocumentText, parseSweepText, STDIN_NAME } from '../../src/shared/config/parse';
import { formatProblem } from '../../src/shared/config/errors';
import { MAX_CONFIG_BYTES, MAX_CONFIG_CHARS, MAX_CONFIG_DEPTH, MAX_CONFIG_PAYLOAD_CHARS } from '../../src/shared/config/limits';
import { methodInputs } from '../../src/shared/api/contract';
import { MAX_CONFIG_BYTES as DESKTOP_MAX } from '../../src/shared/api/desktop';

const base = {
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp' },
  optimizer: { lr: 1e-3 },
  training: { steps: 100 },
};
const msgs = (text: string, name: string) => {
  const r = parseConfigText(text, name);
  return r.ok ? [] : r.problems.map((p) => formatProblem(p, name));
};
const depthMessage = new RegExp(`more than ${MAX_CONFIG_DEPTH} levels deep`);

describe('config nesting', () => {
  it.each([
    ['block sequences', '- '.repeat(1000) + 'x', 'c.yaml'],
    ['flow brackets in YAML', '['.repeat(1000), 'c.yaml'],
    ['flow maps in YAML', '{a: '.repeat(1000), 'c.yaml'],
    ['explicit keys', '? '.repeat(1000) + 'x', 'c.yaml'],
    ['indented maps', Array.from({ length: 200 }, (_, i) => ' '.repeat(i) + 'k:').join('\n'), 'c.yaml'],
    ['JSON brackets', '['.repeat(1000) + ']'.repeat(1000), 'c.json'],
    ['JSON under a valid key', `{"task": ${'['.repeat(1000)}${']'.repeat(1000)}}`, 'c.json'],
  ])('refuses %s far beyond the limit with a located problem', (_, text, name) => {
    const m = msgs(text, name);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(new RegExp(`^c\\.(yaml|json):\\d+: \\(document\\): nests`));
    expect(m[0]).toMatch(depthMessage);
    expect(parseSweepText(text, name).ok).toBe(false);
  });
  it('refuses one level beyond the limit and lets the limit itself through to the schema', () => {
    expect(msgs('- '.repeat(MAX_CONFIG_DEPTH + 1) + 'x', 'c.yaml')[0]).toMatch(depthMessage);
    expect(msgs('['.repeat(MAX_CONFIG_DEPTH + 1) + ']'.repeat(MAX_CONFIG_DEPTH + 1), 'c.json')[0]).toMatch(depthMessage);
    const atLimit = `task: ${'['.repeat(MAX_CONFIG_DEPTH - 1)}${']'.repeat(MAX_CONFIG_DEPTH - 1)}\n`;
    expect(msgs(atLimit, 'c.yaml').join('\n')).not.toMatch(depthMessage);
    expect(msgs(atLimit, 'c.yaml').join('\n')).toContain('task:');
  });
  it('does not count brackets inside quoted strings, comments or block scalars', () => {
    const deepLooking = '['.repeat(200);
    const yaml = `name: "${deepLooking}"\n# ${deepLooking}\nnotes: |\n  ${deepLooking}\n  ${'- '.repeat(200)}\n`;
    expect(parseDocumentText(yaml, 'yaml').ok).toBe(true);
    expect(parseDocumentText(JSON.stringify({ name: deepLooking + '\\"' + deepLooking }), 'json').ok).toBe(true);
  });
  it('accepts every example config', () => {
    const dir = join(__dirname, '../../examples');
    const files = readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const doc = parseDocumentText(text, f.endsWith('.json') ? 'json' : 'yaml');
      expect(doc.ok, f).toBe(true);
      const r = 'axes' in (doc.ok ? (doc.value as object) : {}) ? parseSweepText(text, f) : parseConfigText(text, f);
      expect(r.ok ? [] : r.problems, f).toEqual([]);
    }
  });
});

describe('config text edges', () => {
  it('accepts a byte order mark before JSON, as before YAML', () => {
    expect(parseConfigText('\uFEFF' + JSON.stringify(base), 'c.json').ok).toBe(true);
    expect(parseConfigText('\uFEFF' + JSON.stringify(base), 'c.yaml').ok).toBe(true);
  });
  it('refuses a key repeated in a JSON object with its path and line, as in YAML', () => {
    const text = '{\n  "task": {"kind": "modular", "op": "add", "p": 23,\n    "p": 29},\n  "model": {"kind": "mlp"}\n}';
    expect(msgs(text, 'c.json')).toEqual(['c.json:3: task.p: the key "p" appears twice in this object']);
    const inArray = '{"a": [{"x": 1}, {"x": 1, "y": 2, "y": 3}]}';
    expect(msgs(inArray, 'c.json')).toEqual(['c.json:1: a[1].y: the key "y" appears twice in this object']);
    expect(msgs('{"a": 1, "\\u0061": 2}', 'c.json')[0]).toContain('a: the key "a" appears twice');
    expect(msgs(JSON.stringify(base).replace('"model"', '"model": {}, "model"'), 'c.yaml')[0]).toMatch(/^c\.yaml:1: .*unique/);
  });
  it('reads standard input as YAML, which also reads JSON', () => {
    expect(parseConfigText(JSON.stringify(base, null, 2), STDIN_NAME).ok).toBe(true);
    expect(parseConfigText('task: {kind: modular, op: add, p: 23}\nmodel: {kind: mlp}\ntraining: {steps: 10}\n', STDIN_NAME).ok).toBe(true);
  });
  it('refuses text over the size limit, naming the limit', () => {
    const text = JSON.stringify(base) + ' '.repeat(MAX_CONFIG_CHARS);
    expect(msgs(text, 'c.json')[0]).toMatch(/^c\.json:1: \(document\): .*64 KiB/);
    expect(parseConfigText(JSON.stringify(base).padEnd(MAX_CONFIG_CHARS, ' '), 'c.json').ok).toBe(true);
  });
  it('derives every size bound from one limit: files, text, and the API payload above it', () => {
    expect(DESKTOP_MAX).toBe(MAX_CONFIG_BYTES);
    expect(MAX_CONFIG_CHARS).toBe(MAX_CONFIG_BYTES);
    for (const method of ['config.validate', 'runs.createFromFile', 'sweeps.createFromFile'] as const) {
      const accepts = (n: number) => methodInputs[method].safeParse({ name: 'c.yaml', text: 'x'.repeat(n) }).success;
      expect(accepts(MAX_CONFIG_PAYLOAD_CHARS), method).toBe(true);
      expect(accepts(MAX_CONFIG_PAYLOAD_CHARS + 1), method).toBe(false);
    }
  });
});
