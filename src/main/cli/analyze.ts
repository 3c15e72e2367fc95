// grokscope analyze spectral|predict --run RUN [--window N] [--cutoff F] [--db PATH] [--json]
// grokscope analyze fit --runs ID,ID,... [--against r|wd] [--db PATH] [--json]
// grokscope analyze pca --run RUN [--db PATH] [--json]
// grokscope analyze hessian|id --run RUN [--steps S,S,...] [--db PATH] [--json]
// grokscope analyze landscape|reduced --run RUN [options] [--db PATH] [--json]
import type { PowerLawFit } from '../../shared/analysis/fit-powerlaw';
import { calibrationWords, ruleWords } from '../../shared/analysis/predictor';
import { withinBudgetWords } from '../../shared/analysis/predictor-shipped';
import { ApiError } from '../../shared/api/contract';
import type { FitAgainst } from '../../shared/api/types';
import { probeCommand } from './analyze-probes';
import { LANDSCAPE_FLAGS, landscapeCommand } from './analyze-landscape';
import { choiceFlag, intFlag, parseArgs, runIdArg, stringFlag, type ParsedArgs } from './args';
import { callApi } from './call-api';
import { EXIT_OK, UsageError } from './errors';
import { fmtNum } from './format';
import { json, out } from './io';
import { openExistingBackend } from './open-backend';

export const ANALYSES = ['spectral', 'predict', 'fit', 'pca', 'hessian', 'id', 'landscape', 'reduced'] as const;
type Analysis = (typeof ANALYSES)[number];

function cutoffFlag(a: ParsedArgs): number | undefined {
  const v = stringFlag(a, 'cutoff');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(v.trim() !== '' && Number.isFinite(n) && n >= 0 && n < 1))
    throw new UsageError(`--cutoff must be a fraction of the Nyquist frequency in [0, 1), got ${JSON.stringify(v)}`);
  return n;
}

function runIdsFlag(a: ParsedArgs): number[] {
  const v = stringFlag(a, 'runs');
  if (v === undefined) throw new UsageError('"grokscope analyze fit" needs --runs ID,ID,... (see "grokscope list")');
  return v.split(',').map((s) => runIdArg(s.trim()));
}

const est = (e: { value: number; ci95: [number, number] }) => `${fmtNum(e.value)} [${fmtNum(e.ci95[0])}, ${fmtNum(e.ci95[1])}]`;
const powerLawText = (f: PowerLawFit) =>
  `t4 = a·r^−γ + b (r in %): a = ${est(f.a)}, γ = ${est(f.gamma)}, b = ${est(f.b)} (95% CI), R² = ${f.r2.toFixed(3)}, n = ${f.n}`;

export async function analyzeCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(
    {
      name: 'analyze',
      positionals: ['KIND'],
      flags: {
        run: 'value',
        runs: 'value',
        against: 'value',
        level: 'value',
        window: 'value',
        cutoff: 'value',
        db: 'value',
        json: 'boolean',
        // hessian and id
        steps: 'value',
        'max-checkpoints': 'value',
        'exclude-one-dim': 'boolean',
        'include-one-dim': 'boolean',
        'max-iter': 'value',
        'max-points': 'value',
        // landscape and reduced
        ...LANDSCAPE_FLAGS,
      },
    },
    argv,
  );
  const kind = a.positionals['KIND']! as Analysis;
  if (!(ANALYSES as readonly string[]).includes(kind))
    throw new UsageError(`KIND must be one of ${ANALYSES.join(', ')}, got ${JSON.stringify(kind)}`);
  const window = intFlag(a, 'window', 8, 1_000_000);
  const cutoff = cutoffFlag(a);
  const spectralOpts = { ...(window !== undefined ? { window } : {}), ...(cutoff !== undefined ? { cutoff } : {}) };
  const runFlag = stringFlag(a, 'run');
  if (kind !== 'fit' && runFlag === undefined) throw new UsageError(`"grokscope analyze ${kind}" needs --run RUN`);

  const backend = openExistingBackend(stringFlag(a, 'db'));
  try {
    if (kind === 'spectral') {
      const r = await callApi(backend, 'analysis.spectral', { id: runIdArg(runFlag!), ...spectralOpts });
      if (a.flags['json']) json(r);
      else {
        const s = r.signature;
        out(
          [
            `run ${r.runId}: spectral signature of the training loss over updates 1..${s.window}`,
            `  detrend ${r.params.detrend ? 'linear' : 'off'}, bins below ${s.cutoff} of Nyquist removed (bins 0..${s.cutoffBin - 1})`,
            `  energy      ${fmtNum(s.energy)}   (low band ${fmtNum(s.lowBandEnergy)})`,
            `  activity    ${fmtNum(s.activity)}`,
            `  mobility    ${fmtNum(s.mobility)}`,
            `  complexity  ${fmtNum(s.complexity)}`,
          ].join('\n'),
        );
      }
    } else if (kind === 'predict') {
      const p = await callApi(backend, 'analysis.predict', { id: runIdArg(runFlag!), ...spectralOpts });
      if (a.flags['json']) json(p);
      else {
        const how = p.withinBudget
          ? withinBudgetWords(p.withinBudget, p.trainedOn, p.probability)
          : p.method === 'calibrated'
            ? `calibrated: ${calibrationWords(p)}`
            : `default rule: ${ruleWords(p)} (${p.note})`;
        const outcome = p.outcome === null ? '' : `\n  outcome: ${p.outcome ? 'grokked' : 'did not grok'}`;
        out(
          `run ${p.runId}: predicted to grok: ${p.willGrok ? 'yes' : 'no'}, p = ${p.probability.toFixed(2)}, at step ${p.atStep}\n  ${how}${outcome}`,
        );
      }
    } else if (kind === 'hessian' || kind === 'id') {
      await probeCommand(kind, backend, runIdArg(runFlag!), a);
    } else if (kind === 'landscape' || kind === 'reduced') {
      await landscapeCommand(kind, backend, runIdArg(runFlag!), a);
    } else if (kind === 'pca') {
      const t = await callApi(backend, 'analysis.pca', { id: runIdArg(runFlag!) });
      if (a.flags['json']) json(t);
      else {
        const pct = t.explained.slice(0, 3).map((e) => `${(100 * e).toFixed(1)}%`);
        const thinned = t.thinnedFrom > t.steps.length ? ` (thinned from ${t.thinnedFrom})` : '';
        out(
          [
            `run ${t.runId}: PCA of θ_t − θ_T over ${t.steps.length} checkpoints${thinned}, d = ${t.dim}`,
            `  explained variance: ${pct.join(', ')} (first ${pct.length} directions)`,
            '  step          α          β',
            ...t.steps.map((s, i) => `  ${String(s).padEnd(8)} ${fmtNum(t.alpha[i]).padStart(10)} ${fmtNum(t.beta[i]).padStart(10)}`),
          ].join('\n'),
        );
      }
    } else {
      const against: FitAgainst = choiceFlag(a, 'against', ['r', 'wd'] as const) ?? 'r';
      const levelText = stringFlag(a, 'level');
      const level = levelText === undefined ? undefined : Number(levelText);
      if (level !== undefined && !(level > 0 && level <= 1))
        throw new UsageError(`--level must be a fraction in (0, 1] (1 is 000 §2.3's 100%), got ${JSON.stringify(levelText)}`);
      const f = await callApi(backend, 'analysis.fit', { ids: runIdsFlag(a), against, ...(level !== undefined ? { level } : {}) });
      if (a.flags['json']) json(f);
      else {
        const lines = [
          f.powerLaw
            ? powerLawText(f.powerLaw)
            : `log10 t4 = ${est(f.logLog!.intercept)} + ${est(f.logLog!.slope)}·log10 wd, R² = ${f.logLog!.r2.toFixed(3)}`,
          `  t4 at validation accuracy ≥ ${Number((100 * f.level).toPrecision(4))}% (${f.levelWhy})`,
        ];
        for (const s of f.skipped) lines.push(`  run ${s.runId} left out: ${s.reason}`);
        out(lines.join('\n'));
      }
    }
    return EXIT_OK;
  } catch (e) {
    // the run lacks what the analysis needs, or does not exist: the caller's input
    if (e instanceof ApiError && (e.code === 'invalid_input' || e.code === 'not_found')) throw new UsageError(e.message);
    throw e;
  } finally {
    await backend.close();
  }
}
