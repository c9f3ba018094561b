// Lays out an environment in a folder before it is archived: the bundle, data files, native
// packages, git checkouts and http downloads; every link replaced by a copy of what it points to.
import { copyFileSync, cpSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { EnvironmentAnalysis } from './analyze-environment.js';
import { BUNDLE_FILE, dataPathInEnv, packagePathInEnv } from './environment-layout.js';
import type { EnvironmentManifest } from './environment-manifest.js';
import type { EnvironmentSpec } from './environment-spec.js';
import { fetchGit } from './fetch-git.js';
import { fetchHttp } from './fetch-http.js';
import { listFiles } from './list-files.js';

export interface Staged {
  env: Record<string, string>;
  sources: EnvironmentManifest['sources'];
}

export async function stageEnvironment(dir: string, analysis: EnvironmentAnalysis, extraData: string[], spec: EnvironmentSpec): Promise<Staged> {
  const put = (rel: string, from: string): void => {
    const to = join(dir, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to); // follows links: the copy is the file itself
  };
  writeFileSync(join(dir, BUNDLE_FILE), analysis.code);
  for (const f of new Set([...analysis.dataFiles, ...extraData])) put(dataPathInEnv(f, analysis.root), f);
  for (const pkg of analysis.packages) {
    const base = packagePathInEnv(pkg.dir, pkg.name);
    for (const f of listFiles(pkg.dir, ['node_modules'])) put(`${base}/${relative(pkg.dir, f).split('\\').join('/')}`, f);
  }
  const staged: Staged = { env: {}, sources: { git: {}, http: {} } };
  for (const [name, source] of Object.entries(spec.git ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const commit = await fetchGit(name, source, join(dir, 'git', name));
    staged.env[name] = `git/${name}`;
    staged.sources.git[name] = { ...source, commit };
  }
  for (const [name, source] of Object.entries(spec.http ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const got = await fetchHttp(name, source, join(dir, 'http', name));
    staged.env[name] = got.path === '.' ? `http/${name}` : `http/${name}/${got.path}`;
    staged.sources.http[name] = { ...source, sha256: got.sha256 };
  }
  replaceLinks(dir, dir);
  return staged;
}

// Git checkouts and tar downloads may hold symbolic links; an environment holds only files.
function replaceLinks(dir: string, top: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) {
      const target = resolve(dirname(p), readlinkSync(p));
      rmSync(p);
      let st;
      try {
        st = statSync(target);
      } catch {
        continue; // a dangling link: nothing to copy
      }
      if (!target.startsWith(top + sep)) continue; // never copy in what lies outside the environment
      if (st.isDirectory()) cpSync(target, p, { recursive: true, dereference: true });
      else copyFileSync(target, p);
    } else if (e.isDirectory()) {
      replaceLinks(p, top);
    }
  }
}
