// What the CLI does with config input at its edges: nesting that crashed the process, standard input, endless
// devices and pipes, folders and paths it cannot read. Each ends in exit 2 with a sentence, never a stack or a hang.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './backend-helpers';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'grokscope.js');
const tmp = tempDir('cli-input');
afterAll(() => tmp.cleanup());

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 60_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const write = (name: string, text: string) => {
  writeFileSync(tmp.file(name), text);
  return name;
};
const STACK = /\n\s+at .+:\d+:\d+|FATAL|Error:/;
const VALID_YAML =
  'task: {kind: modular, op: add, p: 11, trainFraction: 0.5}\nmodel: {kind: mlp, embedDim: 8, width: 32}\ntraining: {steps: 10}\n';

describe('grokscope validate: config input edges', () => {
  it.each([
    ['deep.yaml', '- '.repeat(1000) + 'x\n'],
    ['brackets.yaml', '['.repeat(1000) + '\n'],
    ['brackets.json', '['.repeat(1000) + ']'.repeat(1000)],
  ])('refuses %s nested 1000 deep with exit 2 and its line', (name, text) => {
    const r = cli(['validate', write(name, text)]);
    expect(r.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')}:1: \\(document\\): nests lists and maps more than 64 levels deep`));
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(2);
  });
  it('reads standard input for - and /dev/stdin, as YAML (which also reads JSON), named <stdin>', () => {
    expect(cli(['validate', '-'], VALID_YAML)).toMatchObject({ code: 0, stdout: expect.stringContaining('<stdin>: valid run config') });
    const json = JSON.stringify({ task: { kind: 'modular', op: 'add', p: 11 }, model: { kind: 'mlp' }, training: { steps: 10 } });
    expect(cli(['validate', '/dev/stdin'], json).code).toBe(0);
    const bad = cli(['validate', '-'], VALID_YAML.replace('steps: 10', 'steps: -1'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<stdin>:3: training.steps:');
    const sweepYaml = `base:\n  ${VALID_YAML.trim().split('\n').join('\n  ')}\naxes:\n  - {path: optimizer.lr, values: [0.001, 0.01]}\n`;
    const sweep = cli(['validate', '-'], sweepYaml);
    expect(sweep).toMatchObject({ code: 0, stdout: expect.stringContaining('<stdin>: valid sweep config: 2 runs') });
  });
  it('stops reading /dev/zero and an endless pipe at the size limit', () => {
    const zero = cli(['validate', '/dev/zero']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/\/dev\/zero: is larger than 64 KiB/);
    const big = cli(['validate', write('big.yaml', VALID_YAML + '#'.repeat(64 * 1024))]);
    expect(big.stderr).toMatch(/big\.yaml: is larger than 64 KiB/);
    expect(big.code).toBe(2);
  });
  it('stops reading a FIFO that never ends at the size limit', async () => {
    const fifo = tmp.file('endless.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `yes '# filler' > '${fifo}'`], { stdio: 'ignore' });
    const reader = spawn(process.execPath, [BIN, 'validate', fifo], { cwd: tmp.dir });
    let stderr = '';
    reader.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => reader.on('exit', resolve));
    writer.kill();
    expect(stderr).toContain('endless.yaml: is larger than 64 KiB');
    expect(code).toBe(2);
  });
  it('explains a folder or a path through a file instead of EISDIR or ENOTDIR', () => {
    mkdirSync(tmp.file('folder.yaml'));
    const folder = cli(['validate', 'folder.yaml']);
    expect(folder).toMatchObject({ code: 2, stderr: expect.stringContaining('folder.yaml: is a folder, not a config file') });
    write('plain.yaml', VALID_YAML);
    const through = cli(['validate', 'plain.yaml/inner.yaml']);
    expect(through).toMatchObject({ code: 2, stderr: expect.stringContaining('plain.yaml/inner.yaml: no such file') });
    expect(through.stderr).not.toMatch(/ENOTDIR|EISDIR/);
  });
  it.skipIf(process.getuid?.() === 0)('explains a file it may not read', () => {
    const name = write('secret.yaml', VALID_YAML);
    spawnSync('chmod', ['000', tmp.file(name)]);
    const r = cli(['validate', name]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('secret.yaml: cannot read it: permission denied') });
  });
});
