// The window's webPreferences, the CSP, navigation/new-window/webview/permission guards, and which URLs count as ours.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron));

import { FakeBrowserWindow, FakeEvent, FakeWebContents, resetElectronDouble, session, shell } from './app-electron-double';
import { createMainWindow } from '../../src/main/app/window';
import { CONTENT_SECURITY_POLICY, hardenContents, hardenSession } from '../../src/main/app/security';
import { appUrls } from '../../src/main/app/app-url';
import { preloadPath } from '../../src/main/app/paths';

const mainDir = join('/opt/grokscope/resources/app.asar/out/main');
const rendererIndexFile = join(mainDir, '..', 'renderer', 'index.html');
const prodUrls = appUrls({ rendererIndexFile, devServerUrl: null });

beforeEach(() => resetElectronDouble());

describe('main window', () => {
  it('isolates and sandboxes the renderer and points at the CommonJS preload', () => {
    const win = createMainWindow({ preload: preloadPath(mainDir) }) as unknown as FakeBrowserWindow;
    const prefs = win.options.webPreferences;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.preload).toBe(join('/opt/grokscope/resources/app.asar/out/preload/index.cjs'));
    expect(prefs.preload.endsWith('index.cjs')).toBe(true);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    // no middle-click (auxclick) new-window path; no blink features enabled
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('stays hidden until the first paint', () => {
    const win = createMainWindow({ preload: '/x/index.cjs' }) as unknown as FakeBrowserWindow;
    expect(win.options.show).toBe(false);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
});

describe('session hardening', () => {
  it('sets our CSP on every response, replacing any CSP the response had', () => {
    hardenSession(session.defaultSession as never);
    const listener = session.defaultSession.headersListener!;
    let headers: Record<string, string | string[]> | undefined;
    listener(
      { url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });

  it('denies permission requests and checks', () => {
    hardenSession(session.defaultSession as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const granted: boolean[] = [];
      session.defaultSession.permissionRequestHandler!({}, permission, (g) => granted.push(g));
      expect(granted, permission).toEqual([false]);
      expect(session.defaultSession.permissionCheckHandler!({}, permission, 'file://'), permission).toBe(false);
    }
  });
});

describe('web contents hardening', () => {
  const harden = () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never, prodUrls.isAppUrl);
    return contents;
  };
  const navigate = (contents: FakeWebContents, kind: string, url: string) => {
    const event = new FakeEvent(url);
    contents.emit(kind, event, url);
    return event.defaultPrevented;
  };

  it('prevents navigation to any foreign URL and allows our own page', () => {
    const contents = harden();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', pathToFileURL(join(mainDir, 'index.js')).href, 'javascript:alert(1)'])
      expect(navigate(contents, 'will-navigate', url), url).toBe(true);
    expect(navigate(contents, 'will-navigate', pathToFileURL(rendererIndexFile).href)).toBe(false);
    expect(navigate(contents, 'will-navigate', `${pathToFileURL(rendererIndexFile).href}#/runs/3`)).toBe(false);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    // a file dropped where the page does not take it would navigate to it: never
    expect(navigate(contents, 'will-navigate', 'file:///home/me/run.grok.json')).toBe(true);
  });

  it('denies every new window and every <webview>, and never hands a URL to the OS (no openExternal)', () => {
    const contents = harden();
    expect(contents.windowOpenHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///usr/bin/xterm' })).toEqual({ action: 'deny' });
    navigate(contents, 'will-navigate', 'https://example.org/');
    expect(shell.opened).toEqual([]);
    expect(contents.windowOpenHandler!({ url: pathToFileURL(rendererIndexFile).href })).toEqual({ action: 'deny' });
    expect(navigate(contents, 'will-attach-webview', 'https://example.org/')).toBe(true);
  });
});

describe('app URLs', () => {
  it('in production, only the renderer index.html (any hash or query) is ours', () => {
    expect(prodUrls.entry).toBe(pathToFileURL(rendererIndexFile).href);
    expect(prodUrls.isAppUrl(pathToFileURL(rendererIndexFile).href + '?x=1#/a')).toBe(true);
    expect(prodUrls.isAppUrl(pathToFileURL(join(mainDir, '..', 'renderer', 'other.html')).href)).toBe(false);
    expect(prodUrls.isAppUrl('file://remote-host' + pathToFileURL(rendererIndexFile).pathname)).toBe(false);
    expect(prodUrls.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(prodUrls.isAppUrl('not a url')).toBe(false);
  });

  it('in development, only the dev server origin is ours', () => {
    const dev = appUrls({ rendererIndexFile, devServerUrl: 'http://localhost:5173/' });
    expect(dev.entry).toBe('http://localhost:5173/');
    expect(dev.isAppUrl('http://localhost:5173/src/main.ts')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(dev.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(dev.isAppUrl(pathToFileURL(rendererIndexFile).href)).toBe(false);
  });
});
