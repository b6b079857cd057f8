/**
 * `fs.existsSync`/`readdirSync` for the web build, where the extension's files cannot be read
 * synchronously. The extension's packaged files do not change, so esbuild.js lists the folders
 * the shared code looks into (media/) at build time and defines the listing here; a path
 * matches a listed folder by its ending (`…/media/webview.css`). Anything unlisted does not exist.
 */
declare const __AUTOGRAD_LENS_WEB_FILES__: Record<string, string[]>;

/** The listing (esbuild.js defines it; a test may set it as a global). */
function listed(): Record<string, string[]> {
  return typeof __AUTOGRAD_LENS_WEB_FILES__ === 'object' ? __AUTOGRAD_LENS_WEB_FILES__ : {};
}

function normal(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+$/, '');
}

function folderOf(p: string): string | undefined {
  const n = normal(p);
  return Object.keys(listed()).find((dir) => n === dir || n.endsWith(`/${dir}`));
}

export function readdirSync(p: string): string[] {
  const dir = folderOf(p);
  if (dir === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, scandir '${p}'`), { code: 'ENOENT' });
  return listed()[dir].slice();
}

export function existsSync(p: string): boolean {
  const n = normal(p);
  const slash = n.lastIndexOf('/');
  const dir = folderOf(n.slice(0, slash));
  return folderOf(n) !== undefined || (dir !== undefined && listed()[dir].includes(n.slice(slash + 1)));
}

export default { readdirSync, existsSync };
