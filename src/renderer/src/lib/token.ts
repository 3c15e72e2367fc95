// Browser mode's access token: it arrives once in the page URL (?token=...), is kept for this tab in sessionStorage,
// and is removed from the address bar so that it does not end up in history, bookmarks or screenshots.
const KEY = 'grokscope.token';

export function takeToken(win: Window = window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(KEY, fromUrl);
    } catch {
      // storage can be disabled; the token still works for this page load
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
