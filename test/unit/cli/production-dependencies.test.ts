// `npx multi-webhook` runs from a production install (npm install --omit=dev): everything it loads is in dependencies.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/local/state-file.js';

const manifest = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The npm packages a module graph imports at run time (type-only imports are erased), as package names. */
async function packagesImportedBy(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const imports = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  );
  const names = imports
    .filter((path) => !isBuiltin(path))
    .map((path) =>
      path
        .split('/')
        .slice(0, path.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(names)].sort();
}

it('needs only packages in dependencies, tsx among them, to run the CLI', async () => {
  const packages = await packagesImportedBy(resolve(PROJECT_ROOT, manifest.bin['multi-webhook']!));

  expect(packages).toContain('tsx');
  expect(packages.filter((name) => !(name in manifest.dependencies))).toEqual([]);
});
