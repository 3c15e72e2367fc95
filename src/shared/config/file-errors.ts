// Sentences for the reasons a config file cannot be read, so neither the CLI nor the app shows a bare errno.

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a folder)',
  EISDIR: 'is a folder, not a config file',
  EACCES: 'cannot read it: permission denied',
  EPERM: 'cannot read it: permission denied',
  ELOOP: 'cannot read it: too many symbolic links',
  ENAMETOOLONG: 'cannot read it: the path is too long',
};

/** Why a file could not be read, from the error Node threw. */
export function fileErrorReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && REASONS[code]) return REASONS[code];
  return `cannot read it (${typeof code === 'string' ? code : (e as Error).message})`;
}
