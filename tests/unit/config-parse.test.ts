import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/shared/config/parse';
import { formatProblem } from '../../src/shared/config/errors';

const base = {
  task: { kind: 'modular', op: 'add', p: 23, trainFraction: 0.5 },
  model: { kind: 'mlp' },
  optimizer: { lr: 1e-3 },
  training: { steps: 100 },
};
const msgs = (text: string, name = 'c.json') => {
  const r = parseConfigText(text, name);
  return r.ok ? [] : r.problems.map((p) => formatProblem(p, name));
};

describe('config parsing', () => {
  it('accepts a minimal config and fills defaults', () => {
    const r = parseConfigText(JSON.stringify(base), 'c.json');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.config.optimizer.weightDecay).toBe(1);
      expect(r.config.training.batchSize).toBe('full');
      expect(r.config.task.kind === 'modular' && r.config.task.encoding).toBe('power');
    }
  });
  it('names path and value for a bad number, with its line', () => {
    const text = JSON.stringify({ ...base, optimizer: { lr: -1 } }, null, 2);
    expect(msgs(text)).toEqual(['c.json:12: optimizer.lr: must be > 0, got -1']);
  });
  it('rejects unknown keys, wrong types, r outside (0,1) and non-prime p for div', () => {
    const text = JSON.stringify({
      ...base,
      extra: 1,
      task: { kind: 'modular', op: 'div', p: 91, trainFraction: 1.2 },
      training: { steps: 'ten' },
    });
    const m = msgs(text).join('\n');
    expect(m).toContain('extra: unknown key');
    expect(m).toContain('task.trainFraction: must be < 1, got 1.2');
    expect(m).toContain('task.p: must be prime for op "div", got 91');
    expect(m).toContain('training.steps: must be number, got "ten"');
  });
  it('reports broken JSON and YAML with a line', () => {
    expect(msgs('{\n  "task": ,\n}')[0]).toMatch(/^c\.json:2: \(document\): not valid JSON/);
    expect(msgs('task: [1\nmodel: 2\n', 'c.yaml')[0]).toMatch(/^c\.yaml:\d+: \(document\): not valid YAML/);
  });
  it('reads YAML with the same schema and locates problems by line', () => {
    const yaml = 'task:\n  kind: modular\n  op: add\n  p: 23\nmodel:\n  kind: mlp\n  width: -3\ntraining:\n  steps: 10\n';
    expect(msgs(yaml, 'c.yaml')).toEqual(['c.yaml:7: model.width: must be >= 1, got -3']);
  });
});
