// The one Content-Security-Policy of the renderer, whichever way it is served: Electron sets it on every response
// (main/app/security.ts), browser mode sends it with every static file (main/server/static.ts). Same page, same needs,
// so one policy: the page loads only its own files and talks only to its own origin (ws: to the same host:port is
// 'self'). src/renderer/index.html repeats it in a <meta> (without frame-ancestors, which a <meta> cannot set).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte transitions and ECharts set inline styles; no inline script is allowed
  "style-src 'self' 'unsafe-inline'",
  // exported figures are previewed as data:/blob: images
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  // nothing of ours needs plugins, a <base>, form submission or being framed
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
