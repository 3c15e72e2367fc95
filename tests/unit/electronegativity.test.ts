// Electronegativity (Doyensec's scanner for Electron misconfigurations) on what ships: the main, preload and renderer
// bundles of `electron-vite build` (out/, rebuilt first when older than the sources), scanned together so its global checks (CSP, navigation limits, permission
// handler) see the whole app. Any finding fails the test. Its CLI exits 0 even with findings, so this uses its
// programmatic API.
//
// Excluded checks, each by name and for a reason:
// - AvailableSecurityFixesGlobalCheck: the one online check (it downloads Electron's release list); the machine that
//   runs the tests may have no network, and the Electron version is pinned in package.json anyway.
// - PreloadJSCheck: it reports every BrowserWindow that has a preload, as "review the preload manually". It can never
//   pass for an app that uses a preload, which Electron's checklist requires for a sandboxed, isolated renderer; the
//   review it asks for is tests/unit/app-preload.test.ts (exactly `call`, `on` and the desktop functions are exposed,
//   method and event names are checked, no ipcRenderer or IpcRendererEvent reaches the page, dropped files become
//   paths only through webUtils.getPathForFile).
//
// The CSP check is kept. csp-evaluator (inside it) always adds one "maybe" note to any policy with script-src 'self'
// ("'self' can be problematic if you host JSONP, Angular or user uploaded files"); the app hosts none of those. The
// test accepts a CSP finding only when re-evaluating its policy gives that note and nothing else, so a weaker policy
// (unsafe-inline or unsafe-eval scripts, no object-src 'none', a missing CSP) still fails. The scanner reads a CSP
// only from a string literal at the header assignment; main sets it from the CONTENT_SECURITY_POLICY constant, so
// there it reports "Failed to parse CSP": for that finding (at that assignment) the test evaluates the constant.
//
// The scanner's parsers (esprima, then Babel with estraverse) predate ES2022 class fields and private methods, which
// Svelte 5 runes compile to; the renderer bundle is therefore lowered to ES2017 with esbuild before scanning (same
// code, older syntax: calls, object literals and strings, which is what the checks match on, are unchanged), and any
// file the scanner fails to parse fails the test, so nothing goes unscanned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { CONTENT_SECURITY_POLICY } from '../../src/main/app/security';

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  sample?: string;
  manualReview: boolean;
}
interface ScanResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Issue[];
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck', 'PreloadJSCheck'];

/** the one csp-evaluator note every policy with script-src 'self' gets (see above) */
function onlyTheSelfNote(policy: string): boolean {
  const csp = require('@doyensec/csp-evaluator');
  const findings: { severity: number; directive: string; value?: string }[] = new csp.CspEvaluator(
    new csp.CspParser(policy).csp,
    csp.Version.CSP3,
  ).evaluate();
  const counted = findings.filter((f) => f.severity <= csp.severities.MEDIUM_MAYBE);
  return counted.length === 1 && counted[0]!.directive === 'script-src' && counted[0]!.value === "'self'";
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(c?m?js)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

let scanDir: string;
let result: ScanResult;
const timings: Record<string, number> = {};

/** newest modification time of the files under `p` (a file or a folder) */
function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p, { withFileTypes: true }).reduce((m, e) => Math.max(m, newest(path.join(p, e.name))), 0);
}

/** out/ holds a build of the current sources: each bundle newer than everything it is built from. */
function outIsFresh(): boolean {
  const bundles = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((b) => path.join(REPO, b));
  if (!bundles.every((b) => existsSync(b))) return false;
  const sources = Math.max(
    ...['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json'].map((p) => newest(path.join(REPO, p))),
  );
  return bundles.every((b) => statSync(b).mtimeMs >= sources);
}

beforeAll(async () => {
  scanDir = mkdtempSync(path.join(tmpdir(), 'grokscope-scan-'));
  const out = path.join(scanDir, 'out');
  // What `npm run build` made, when it is newer than every source; else `electron-vite build` first (the same command).
  // The scan works on a copy, so lowering the renderer's syntax never touches out/.
  let t = Date.now();
  if (!outIsFresh()) {
    execFileSync(
      process.execPath,
      [path.join(REPO, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'],
      {
        cwd: REPO,
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 240_000,
      },
    );
    timings.build = Date.now() - t;
  } else timings.build = 0;
  cpSync(path.join(REPO, 'out'), out, { recursive: true });
  for (const f of jsFiles(path.join(out, 'renderer')))
    writeFileSync(f, transformSync(readFileSync(f, 'utf8'), { target: 'es2017', loader: 'js', format: 'esm' }).code);
  const mod = require('@doyensec/electronegativity') as { default?: Run } & Run;
  const run: Run = mod.default ?? mod;
  t = Date.now();
  result = await run(
    {
      input: scanDir,
      excludeFromScan: EXCLUDED_CHECKS,
      electronVersionOverride: (require('electron/package.json') as { version: string }).version,
    },
    false,
  );
  timings.scan = Date.now() - t;
}, 400_000);

afterAll(() => {
  if (scanDir) rmSync(scanDir, { recursive: true, force: true });
  console.log(`electronegativity: build ${timings.build} ms, scan ${timings.scan} ms`);
});

describe('Electronegativity', () => {
  it('the CSP main sets on every response is what the scanner would accept', () => {
    expect(onlyTheSelfNote(CONTENT_SECURITY_POLICY)).toBe(true);
    expect(onlyTheSelfNote(CONTENT_SECURITY_POLICY.replace("object-src 'none'", 'object-src *'))).toBe(false);
    expect(onlyTheSelfNote(CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"))).toBe(false);
  });

  it('scanned the main, preload and renderer bundles with its checks, parsing every file', () => {
    expect(result.atomicChecks).toBeGreaterThan(25);
    expect(result.globalChecks).toBeGreaterThan(3);
    expect(result.errors.filter((e) => !e.tolerable)).toEqual([]);
    for (const part of ['main/index.js', 'preload/index.cjs', 'renderer/index.html'])
      expect(readdirSync(path.join(scanDir, 'out', path.dirname(part)))).toContain(path.basename(part));
  });

  it('finds nothing', () => {
    const mainCspUnread = (i: Issue): boolean => {
      if (i.id !== 'CSP_GLOBAL_CHECK' || i.sample !== undefined || path.relative(scanDir, i.file) !== path.join('out', 'main', 'index.js'))
        return false;
      const line = readFileSync(i.file, 'utf8').split('\n')[i.location.line - 1] ?? '';
      return /\["Content-Security-Policy"\] = \[CONTENT_SECURITY_POLICY\]/.test(line) && onlyTheSelfNote(CONTENT_SECURITY_POLICY);
    };
    const findings = result.issues
      .filter((i) => !(i.id === 'CSP_GLOBAL_CHECK' && i.sample && onlyTheSelfNote(i.sample)))
      .filter((i) => !mainCspUnread(i))
      .map((i) => `${i.id} ${path.relative(scanDir, i.file)}:${i.location.line} ${i.sample ?? ''} — ${i.description}`);
    expect(findings).toEqual([]);
  });
});
