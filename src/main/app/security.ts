// Hardening that does not depend on our code being bug-free: a strict CSP on every response (the one browser mode
// sends too: shared/api/content-security-policy.ts), no permissions, no navigation away from the app, no new
// windows, no <webview>. See Electron's security checklist.
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/content-security-policy';

export { CONTENT_SECURITY_POLICY };

/** Permissions the renderer may use; none so far (file drop and downloads need none). */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set();

export function hardenSession(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {};
    // drop any CSP the server sent (header names are case-insensitive) so ours is the one that applies
    for (const [name, value] of Object.entries(details.responseHeaders ?? {}))
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/** Applied to every WebContents the app creates (wired through app 'web-contents-created'). */
export function hardenContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
