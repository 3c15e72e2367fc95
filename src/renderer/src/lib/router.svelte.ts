// Hash routes (#/, #/new, #/runs/12, #/compare/3,5,8, #/sweeps, #/sweeps/3): they work the same from file:// in Electron and from the browser-mode server.
export type Route =
  | { name: 'runs' }
  | { name: 'new' }
  | { name: 'run'; id: number }
  | { name: 'compare'; ids: number[] }
  | { name: 'sweeps' }
  | { name: 'new-sweep' }
  | { name: 'sweep'; id: number }
  | { name: 'landscape'; id: number }
  | { name: 'playground' }
  | { name: 'reproductions' }
  | { name: 'missing'; path: string };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/runs') return { name: 'runs' };
  if (path === '/new') return { name: 'new' };
  const m = /^\/runs\/(\d{1,12})$/.exec(path);
  if (m) return { name: 'run', id: Number(m[1]) };
  const cmp = /^\/compare\/(\d{1,12}(?:,\d{1,12}){1,19})$/.exec(path);
  if (cmp) return { name: 'compare', ids: [...new Set(cmp[1]!.split(',').map(Number))] };
  const ls = /^\/runs\/(\d{1,12})\/landscape$/.exec(path);
  if (ls) return { name: 'landscape', id: Number(ls[1]) };
  if (path === '/playground') return { name: 'playground' };
  if (path === '/reproductions') return { name: 'reproductions' };
  if (path === '/sweeps') return { name: 'sweeps' };
  if (path === '/sweeps/new') return { name: 'new-sweep' };
  const sw = /^\/sweeps\/(\d{1,12})$/.exec(path);
  if (sw) return { name: 'sweep', id: Number(sw[1]) };
  return { name: 'missing', path };
}

class Router {
  route = $state<Route>(parseRoute(location.hash));
  constructor() {
    window.addEventListener('hashchange', () => (this.route = parseRoute(location.hash)));
  }
  go(path: string): void {
    if (location.hash === `#${path}`) this.route = parseRoute(location.hash);
    else location.hash = path;
  }
}

export const router = new Router();
export const runHref = (id: number): string => `#/runs/${id}`;
