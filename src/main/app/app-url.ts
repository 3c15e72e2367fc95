// Which URLs are "ours": the renderer's index.html from disk, or the electron-vite dev server in development.
// Navigation guards and the IPC sender check both ask this one question.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export interface AppUrls {
  /** the URL the window loads */
  readonly entry: string;
  /** true only for pages of our renderer */
  isAppUrl(url: string): boolean;
}

const samePath = (a: string, b: string): boolean => (process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b);

export function appUrls(opts: { rendererIndexFile: string; devServerUrl: string | null }): AppUrls {
  if (opts.devServerUrl) {
    const origin = new URL(opts.devServerUrl).origin;
    return {
      entry: opts.devServerUrl,
      isAppUrl: (url) => {
        try {
          return new URL(url).origin === origin;
        } catch {
          return false;
        }
      },
    };
  }
  const indexFile = resolve(opts.rendererIndexFile);
  return {
    entry: pathToFileURL(indexFile).href,
    isAppUrl: (url) => {
      try {
        const u = new URL(url);
        if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
        u.hash = '';
        u.search = '';
        return samePath(resolve(fileURLToPath(u)), indexFile);
      } catch {
        return false;
      }
    },
  };
}
