// electron-builder.yml: valid for the installed electron-builder (its own schema validator), the four installer
// targets, the hardening fuses (with RunAsNode off, which utilityProcess compute does not need), the config-file
// associations the app reads, native code and wasm unpacked from the asar, and icons that exist in their formats.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CONFIG_FILE_EXTENSIONS, CONFIG_FILE_PATTERN } from '../../src/shared/api/desktop';
import { configPathsFromArgv } from '../../src/main/app/config-files';

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const config = parse(readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8'));

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    await expect(validateConfiguration(config, { add() {}, writeAll() {} })).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNodes: false } }, { add() {}, writeAll() {} }),
    ).rejects.toThrow(/electronFuses/);
  });

  it('builds AppImage and deb, NSIS and dmg, each carrying only its own platform of the WebGPU addon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    const kept = (os: 'linux' | 'win' | 'mac', folder: string) =>
      !config[os].files.some((pat: string) => path.matchesGlob(`node_modules/webgpu/dist/${folder}/dawn.node`, pat.slice(1)));
    const folders = readdirSync(path.join(REPO, 'node_modules/webgpu/dist'));
    expect(folders.filter((f) => kept('linux', f))).toEqual(['linux-arm64', 'linux-x64']);
    expect(folders.filter((f) => kept('win', f))).toEqual(['win32-arm64', 'win32-x64']);
    expect(folders.filter((f) => kept('mac', f))).toEqual(['darwin-universal']);
  });

  it('sets the hardening fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // compute runs in utilityProcess, never a fork of the Electron binary as Node (which RunAsNode off would break)
    const launcher = readFileSync(path.join(REPO, 'src/main/app/utility-launcher.ts'), 'utf8');
    expect(launcher).toMatch(/utilityProcess\.fork\(/);
    expect(readFileSync(path.join(REPO, 'src/main/compute/entry.ts'), 'utf8')).not.toMatch(/ELECTRON_RUN_AS_NODE/);
  });

  it('associates the config extensions the app opens from its command line', () => {
    const exts = config.fileAssociations.map((a: { ext: string }) => `.${a.ext}`);
    expect(exts).toEqual([...CONFIG_FILE_EXTENSIONS]);
    for (const ext of exts) {
      expect(CONFIG_FILE_PATTERN.test(`run${ext}`)).toBe(true);
      expect(configPathsFromArgv(['/opt/Grokscope/grokscope', `/home/me/run${ext}`], '/')).toEqual([`/home/me/run${ext}`]);
    }
  });

  it('unpacks the native modules (better-sqlite3, resvg) and the wasm binaries from the asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/better-sqlite3/**/*.node',
        '**/node_modules/@resvg/**/*.node',
        '**/node_modules/@tensorflow/tfjs-backend-wasm/**/*.wasm',
      ]),
    );
    // every native module the app loads is covered: each installed .node file matches one of the patterns
    const natives = ['better-sqlite3/build/Release/better_sqlite3.node'];
    const resvg = readdirSync(path.join(REPO, 'node_modules/@resvg')).filter((d) => d.startsWith('resvg-js-'));
    for (const d of resvg)
      natives.push(
        ...readdirSync(path.join(REPO, 'node_modules/@resvg', d))
          .filter((f) => f.endsWith('.node'))
          .map((f) => `@resvg/${d}/${f}`),
      );
    // Dawn's addon, one per platform folder, with its libraries beside it
    for (const d of readdirSync(path.join(REPO, 'node_modules/webgpu/dist')))
      natives.push(...readdirSync(path.join(REPO, 'node_modules/webgpu/dist', d)).map((f) => `webgpu/dist/${d}/${f}`));
    expect(natives.some((n) => n.endsWith('linux-x64/dawn.node'))).toBe(true);
    expect(natives.length).toBeGreaterThan(1);
    for (const n of natives)
      expect(
        config.asarUnpack.some((pat: string) => path.matchesGlob(`node_modules/${n}`, pat)),
        n,
      ).toBe(true);
  });

  it("has icons in each platform's format", () => {
    const file = (p: string) => readFileSync(path.join(REPO, p));
    const png = file(config.linux.icon);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    const ico = file(config.win.icon);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    const icns = file(config.mac.icon);
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });
});
