// The package version and public home, read once from package.json next to dist/.
import { readFileSync } from 'node:fs';

interface Pkg {
  name?: string;
  version?: string;
  homepage?: string;
}

function readPackage(): Pkg {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Pkg;
      if (pkg.name === 'mintcash-golive') return pkg;
    } catch {
      // try the next location
    }
  }
  return {};
}

const PKG = readPackage();

export const VERSION = PKG.version ?? '0.0.0';
/** The project's home page (package.json `homepage`); the docs live below it. */
export const HOMEPAGE = (PKG.homepage ?? 'https://github.com/mintcash/golive#readme').replace(/#.*$/, '');
