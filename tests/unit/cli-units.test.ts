// The CLI's pieces that need no subprocess: argument parsing, the default database path, the progress display.
import { describe, expect, it } from 'vitest';
import { choiceFlag, intFlag, parseArgs, runIdArg, type CommandSpec } from '../../src/main/cli/args';
import { defaultDbPath } from '../../src/main/cli/db-path';
import { ProgressReporter } from '../../src/main/cli/progress';
import { UsageError } from '../../src/main/cli/errors';

const RUN: CommandSpec = { name: 'run', positionals: ['FILE'], flags: { db: 'value', steps: 'value', json: 'boolean' } };

describe('parseArgs', () => {
  it('reads positionals, --flag value, --flag=value and boolean flags in any order', () => {
    const a = parseArgs({ ...RUN, flags: { ...RUN.flags } }, ['--db', 'x.db', 'f.json', '--steps=5', '--json']);
    expect(a).toEqual({ positionals: { FILE: 'f.json' }, flags: { db: 'x.db', steps: '5', json: true } });
    expect(intFlag(a, 'steps', 1, 10)).toBe(5);
  });

  it('rejects unknown, repeated and valueless flags and wrong argument counts as invalid input', () => {
    const spec = { ...RUN, flags: { ...RUN.flags } };
    const bad: [string[], RegExp][] = [
      [['f.json', '--stpes', '3'], /unknown option "--stpes" for "grokscope run"/],
      [['f.json', '-s'], /unknown option "-s"/],
      [['f.json', '--db'], /--db needs a value/],
      [['f.json', '--db', '--json'], /--db needs a value/],
      [['f.json', '--json=yes'], /--json takes no value/],
      [['f.json', '--db', 'a', '--db', 'b'], /--db is given more than once/],
      [[], /"grokscope run" needs FILE/],
      [['a', 'b'], /unexpected argument "b"/],
    ];
    for (const [argv, msg] of bad) expect(() => parseArgs(spec, argv), argv.join(' ')).toThrow(msg);
    expect(() => parseArgs(spec, ['x'])).not.toThrow();
    try {
      parseArgs(spec, ['--nope']);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
    }
  });

  it('checks numbers, choices and run ids', () => {
    const a = parseArgs({ name: 'x', positionals: [], flags: { n: 'value', b: 'value' } }, ['--n', '1e3', '--b', 'gpu']);
    expect(() => intFlag(a, 'n', 1, 10)).toThrow('--n must be an integer from 1 to 10, got "1e3"');
    expect(() => choiceFlag(a, 'b', ['wasm', 'cpu'])).toThrow('--b must be one of wasm, cpu, got "gpu"');
    expect(runIdArg('12')).toBe(12);
    for (const v of ['0', '-1', '1.5', 'abc', '']) expect(() => runIdArg(v)).toThrow(/RUN must be a run id/);
  });
});

describe('defaultDbPath', () => {
  it('prefers GROKSCOPE_DB, then an absolute XDG_DATA_HOME, then ~/.local/share', () => {
    expect(defaultDbPath({ GROKSCOPE_DB: '/data/g.db', XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/data/g.db');
    expect(defaultDbPath({ XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/grokscope/grokscope.db');
    expect(defaultDbPath({ XDG_DATA_HOME: 'relative/ignored' }, '/home/u')).toBe('/home/u/.local/share/grokscope/grokscope.db');
    expect(defaultDbPath({ XDG_DATA_HOME: '' }, '/home/u')).toBe('/home/u/.local/share/grokscope/grokscope.db');
  });
});

describe('ProgressReporter', () => {
  const stream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, s: { isTTY, columns: 200, write: (c: string) => chunks.push(c) } };
  };

  it('redraws one bar in place on a terminal', () => {
    const { chunks, s } = stream(true);
    const p = new ProgressReporter(s, 'run 1');
    p.update(250, 1000, [
      { name: 'train_acc', value: 1 },
      { name: 'val_acc', value: 0.25 },
    ]);
    p.update(260, 1000, []); // within 100 ms: not redrawn
    p.note('run 1: paused');
    p.finish();
    expect(chunks[0]!.startsWith('\r\x1b[2K')).toBe(true); // back to column 0, clear the line, redraw
    expect(chunks[0]!.slice(5)).toMatch(/^run 1 \[#{6}-{18}\] {2}25% step 250\/1000 · train acc 100\.0% · val acc 25\.0% · \d+\.\d s$/);
    expect(chunks.filter((c) => c.includes('step 260'))).toEqual([]);
    expect(chunks[1]).toBe('\r\x1b[2K'); // the bar is cleared before a note
    expect(chunks[2]).toBe('run 1: paused\n');
    expect(chunks).toHaveLength(3); // nothing drawn since the note, so finish has no bar to end
  });

  it('prints plain lines at each tenth of the run when not on a terminal', () => {
    const { chunks, s } = stream(false);
    const p = new ProgressReporter(s, 'run 2', 60_000);
    for (let step = 0; step <= 1000; step += 10) p.update(step, 1000, [{ name: 'val_acc', value: step / 1000 }]);
    expect(chunks).toHaveLength(11);
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks.at(-1)).toMatch(/^run 2 100% step 1000\/1000 · train acc - · val acc 100\.0% · /);
  });
});

describe('ProgressReporter notes', () => {
  it('escapes control characters in a note (a stored error or backend note) instead of writing them raw', () => {
    const chunks: string[] = [];
    const r = new ProgressReporter({ write: (s: string) => chunks.push(s) }, 'run 1');
    r.note('run 1: failed: \x1b[2J\rgone\u202e');
    expect(chunks).toEqual(['run 1: failed: \\x1b[2J\\x0dgone\\u202e\n']);
  });
});
