/**
 * `path` for the web build, for the shared files esbuild.js allows it to (string work on
 * `/`-separated paths: what they do with it). Not a general replacement.
 */
export function join(...parts: string[]): string {
  return parts.filter((p) => typeof p === 'string' && p !== '').join('/').replace(/\/{2,}/g, '/');
}

export function basename(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export const posix = { join, basename, sep: '/' };
export const sep = '/';
export default { join, basename, posix, sep };
