// The flags issue 19 added to "grokscope analyze": --preset for landscapes (li-2018 | notsawo-2023) and reduced
// landscapes (fast | paper), each checked by its own schema; --include-one-dim / --exclude-one-dim for the Hessian
// (default: left out, as the authors' code).
import { describe, expect, it } from 'vitest';
import { landscapeOptions, LANDSCAPE_FLAGS, reducedOptions } from '../../src/main/cli/analyze-landscape';
import { probeOptions } from '../../src/main/cli/analyze-probes';
import { parseArgs } from '../../src/main/cli/args';
import { UsageError } from '../../src/main/cli/errors';

const parse = (kind: string, argv: string[]) =>
  parseArgs(
    {
      name: 'analyze',
      positionals: ['KIND'],
      flags: {
        run: 'value',
        steps: 'value',
        'max-checkpoints': 'value',
        'exclude-one-dim': 'boolean',
        'include-one-dim': 'boolean',
        'max-iter': 'value',
        ...LANDSCAPE_FLAGS,
      },
    },
    [kind, ...argv],
  );

describe('analyze flags of issue 19', () => {
  it('--preset: each command takes its own names and refuses the other’s', () => {
    expect(landscapeOptions(parse('landscape', ['--preset', 'notsawo-2023']))).toEqual({ preset: 'notsawo-2023' });
    expect(reducedOptions(parse('reduced', ['--preset', 'paper']))).toEqual({ preset: 'paper' });
    expect(() => landscapeOptions(parse('landscape', ['--preset', 'paper']))).toThrow(UsageError);
    expect(() => reducedOptions(parse('reduced', ['--preset', 'li-2018']))).toThrow(/--preset/);
  });
  it('--include-one-dim keeps 1-D parameters in the Hessian; neither flag leaves the default; both contradict', () => {
    expect(probeOptions('hessian', parse('hessian', []))).toEqual({});
    expect(probeOptions('hessian', parse('hessian', ['--include-one-dim']))).toEqual({ excludeOneDim: false });
    expect(probeOptions('hessian', parse('hessian', ['--exclude-one-dim']))).toEqual({ excludeOneDim: true });
    expect(() => probeOptions('hessian', parse('hessian', ['--exclude-one-dim', '--include-one-dim']))).toThrow(/contradict/);
  });
});
