import { describe, expect, it } from 'vitest';
import { exportRunFigure, renderSvg, seriesToCsv, svgToPng } from '../../src/main/services/figure-export';
import { buildCurveOption } from '../../src/shared/figures/curves';
import { computePhases, EMPTY_PHASES } from '../../src/shared/analysis/phases';
import type { MetricSeries } from '../../src/shared/api/types';

// ---- a small XML well-formedness check (no parser dependency) ---------------------------------
// Enough for generated SVG: elements nest and close in order, attributes are quoted and unique,
// entities are known, one root. Returns the decoded text content of every element.
function checkXml(xml: string): { root: string; texts: string[] } {
  const decode = (s: string, where: number): string =>
    s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m, ent: string | undefined) => {
      if (!ent) throw new Error(`bare & at ${where}`);
      if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
      if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (!(ent in named)) throw new Error(`unknown entity &${ent}; at ${where}`);
      return named[ent]!;
    });
  const stack: string[] = [];
  const texts: string[] = [];
  let root = '';
  let i = 0;
  let closedRoot = false;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`stray > at ${i}`);
    if (text.trim()) {
      if (stack.length === 0) throw new Error(`text outside the root at ${i}`);
      texts.push(decode(text, i));
    }
    if (lt < 0) break;
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end < 0) throw new Error('unclosed <?');
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) throw new Error(`CDATA outside the root at ${lt}`);
      const end = xml.indexOf(']]>', lt);
      if (end < 0) throw new Error('unclosed CDATA');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end < 0) throw new Error('unclosed comment');
      i = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> at ${lt} closes <${open ?? 'nothing'}>`);
      if (stack.length === 0) closedRoot = true;
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w:.-]*)([\s\S]*)$/.exec(body);
      if (!m) throw new Error(`bad tag <${tag}> at ${lt}`);
      const [, name, attrs] = m as unknown as [string, string, string];
      const seen = new Set<string>();
      const rest = attrs.replace(/\s+([A-Za-z_][\w:.-]*)\s*=\s*("[^"<]*"|'[^'<]*')/g, (_, a: string, v: string) => {
        if (seen.has(a)) throw new Error(`duplicate attribute ${a} on <${name}>`);
        seen.add(a);
        decode(v.slice(1, -1), lt);
        return '';
      });
      if (rest.trim()) throw new Error(`malformed attributes "${rest.trim()}" on <${name}> at ${lt}`);
      if (stack.length === 0) {
        if (closedRoot || root) throw new Error(`second root element <${name}>`);
        root = name;
      }
      if (!selfClosing) stack.push(name);
      else if (stack.length === 0) closedRoot = true;
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('> <')}>`);
  if (!root) throw new Error('no root element');
  return { root, texts };
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// ---- a run with the shape of a grokking run: train fits first, validation much later -----------
const ms = (name: string, steps: number[], values: number[]): MetricSeries => ({ name, steps, values, downsampled: false });
const steps = Array.from({ length: 201 }, (_, i) => i * 50);
const trainAcc = steps.map((s) => Math.min(1, s / 2000));
const valAcc = steps.map((s) => (s < 5000 ? 0 : Math.min(1, (s - 5000) / 3000)));
const run: MetricSeries[] = [
  ms(
    'train_loss',
    steps,
    steps.map((s) => 4.6 * Math.exp(-s / 800) + 1e-4),
  ),
  ms(
    'val_loss',
    steps,
    steps.map((s) => (s < 5000 ? 4.6 + s / 2000 : 9.6 * Math.exp(-(s - 5000) / 700) + 1e-3)),
  ),
  ms('train_acc', steps, trainAcc),
  ms('val_acc', steps, valAcc),
  ms(
    'weight_norm',
    steps,
    steps.map((s) => 40 - 12 * (1 - Math.exp(-s / 3000))),
  ),
  // logged less often than the rest
  ms(
    'grad_norm',
    steps.filter((s) => s % 500 === 0),
    steps.filter((s) => s % 500 === 0).map((s) => 2 * Math.exp(-s / 3000)),
  ),
];
const phases = computePhases({ steps, values: trainAcc }, { steps, values: valAcc });

describe('checkXml (the test helper itself)', () => {
  it('accepts well-formed XML and rejects broken XML', () => {
    expect(checkXml('<?xml version="1.0"?><a x="1"><b/>t &amp; u</a>')).toEqual({ root: 'a', texts: ['t & u'] });
    expect(() => checkXml('<a><b></a>')).toThrow(/closes/);
    expect(() => checkXml('<a x=1></a>')).toThrow(/malformed attributes/);
    expect(() => checkXml('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(() => checkXml('<a></a><b></b>')).toThrow(/second root/);
    expect(() => checkXml('<a>')).toThrow(/unclosed/);
    expect(checkXml('<a><![CDATA[x < y]]></a>').texts).toEqual([]);
    expect(() => checkXml('<a><![CDATA[x</a>')).toThrow(/unclosed CDATA/);
  });
});

describe('renderSvg', () => {
  it('renders well-formed SVG with the axis titles, series names and phase labels', () => {
    const svg = renderSvg(buildCurveOption('loss', run, { phases, title: 'a+b mod 97' }), { width: 800, height: 500 });
    const { root, texts } = checkXml(svg);
    expect(root).toBe('svg');
    expect(svg).toMatch(/<svg[^>]*width="800"[^>]*height="500"/);
    for (const t of ['step', 'loss', 'train', 'validation', 't1', 't2', 't3', 't4', 'a+b mod 97']) expect(texts).toContain(t);
    // the background is drawn, not left transparent
    expect(svg).toContain('fill="#ffffff"');
  });

  it('writes unicode axis titles and the accuracy unit', () => {
    const wn = checkXml(renderSvg(buildCurveOption('weight-norm', run), { width: 600, height: 400 }));
    expect(wn.texts).toContain('‖θ‖₂');
    expect(wn.texts).toContain('weight norm');
    const acc = checkXml(renderSvg(buildCurveOption('accuracy', run), { width: 600, height: 400 }));
    expect(acc.texts).toContain('accuracy (%)');
    expect(acc.texts).toContain('100');
  });

  it('rejects sizes that are not whole pixels in range', () => {
    expect(() => renderSvg(buildCurveOption('loss', run), { width: 0, height: 500 })).toThrow(/width/);
    expect(() => renderSvg(buildCurveOption('loss', run), { width: 800, height: 12.5 })).toThrow(/height/);
  });
});

describe('svgToPng', () => {
  const svg = renderSvg(buildCurveOption('accuracy', run, { phases }), { width: 800, height: 500 });

  it('writes a PNG of size × scale (default scale 2)', () => {
    expect(pngSize(svgToPng(svg))).toEqual({ width: 1600, height: 1000 });
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual({ width: 800, height: 500 });
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/scale/);
  });

  it('draws text (a font is found)', () => {
    const frame = (label: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#fff"/>` +
      `<text x="10" y="40" style="font-size:24px;font-family:sans-serif;" fill="#000">${label}</text></svg>`;
    const withText = svgToPng(frame('step 1000'), { scale: 1 });
    const without = svgToPng(frame(''), { scale: 1 });
    // A blank white PNG compresses to almost nothing; glyphs add real data.
    expect(withText.length).toBeGreaterThan(without.length + 200);
  });
});

describe('seriesToCsv', () => {
  it('writes a wide table with empty cells where a metric was not logged', () => {
    const csv = seriesToCsv([ms('train_loss', [0, 10, 20], [2.5, 1.25, 0.5]), ms('grad_norm', [0, 20, 30], [3, NaN, Infinity])]);
    expect(csv).toBe('step,train_loss,grad_norm\n0,2.5,3\n10,1.25,\n20,0.5,nan\n30,,inf\n');
  });

  it('sorts steps, keeps full precision and quotes odd names', () => {
    const csv = seriesToCsv([ms('a,"b"', [5, 1], [0.1 + 0.2, 1e-12])]);
    expect(csv).toBe('step,"a,""b"""\n1,1e-12\n5,0.30000000000000004\n');
    expect(seriesToCsv([])).toBe('step\n');
  });
});

describe('exportRunFigure', () => {
  it('exports SVG, PNG (800×500 at scale 2) and CSV with their MIME types', async () => {
    const svg = await exportRunFigure(run, phases, 'loss', 'svg');
    expect(svg.mime).toBe('image/svg+xml');
    expect(typeof svg.data).toBe('string');
    expect(checkXml(svg.data as string).texts).toEqual(expect.arrayContaining(['train', 'validation', 'loss', 'step']));

    const png = await exportRunFigure(run, phases, 'grad-norm', 'png', { smoothing: 0.6, title: 'run 3' });
    expect(png.mime).toBe('image/png');
    expect(pngSize(png.data as Buffer)).toEqual({ width: 1600, height: 1000 });

    const custom = await exportRunFigure(run, phases, 'accuracy', 'png', { width: 640, height: 400, scale: 3 });
    expect(pngSize(custom.data as Buffer)).toEqual({ width: 1920, height: 1200 });

    const csv = await exportRunFigure(run, phases, 'accuracy', 'csv');
    expect(csv.mime).toBe('text/csv');
    const lines = (csv.data as string).trimEnd().split('\n');
    expect(lines[0]).toBe('step,train_acc,val_acc');
    expect(lines).toHaveLength(steps.length + 1);
    expect(lines.at(-1)).toBe('10000,1,1');
  });

  it('names the valid figures and formats when given an unknown one', async () => {
    await expect(exportRunFigure(run, phases, 'losss', 'svg')).rejects.toThrow(
      'unknown figure "losss"; valid figures: loss, accuracy, weight-norm, grad-norm',
    );
    await expect(exportRunFigure(run, EMPTY_PHASES, 'loss', 'jpg' as 'svg')).rejects.toThrow(/valid formats: svg, png, csv/);
  });
});
