import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedHandlers } from './support/stack-fixture.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Bundles leave the AWS SDK to the runtime; anything near this size pulled in a heavy dependency. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

interface Synthesized {
  outdir: string;
  template: { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
}

let synth: Synthesized;

// Runs the real CLI the way CI and a platform team do: offline, without credentials, once per file.
beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'multi-webhook-synth-'));
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: '1' };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'])
    delete env[name];
  await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
    cwd: repositoryRoot,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const templateFile = readdirSync(outdir).find((file) => file.endsWith('.template.json'))!;
  synth = { outdir, template: JSON.parse(readFileSync(join(outdir, templateFile), 'utf8')) };
}, 240_000);
afterAll(() => {
  if (synth as Synthesized | undefined) rmSync(synth.outdir, { recursive: true, force: true });
});

/** Handler name -> the directory esbuild wrote its bundle to. */
function bundles(s: Synthesized): Map<string, string> {
  const found = new Map<string, string>();
  for (const r of Object.values(s.template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const path = r.Metadata?.['aws:cdk:path'] ?? '';
    const assetPath = r.Metadata?.['aws:asset:path'];
    // ".../Api/PrimaryWebhookGet/Function/Resource" -> "primary-webhook-get"
    const id = path.split('/').at(-3) ?? '';
    const handler = id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    if (assetPath) found.set(handler, join(s.outdir, assetPath));
  }
  return found;
}

describe('cdk synth', () => {
  it('synthesizes offline without credentials, cdk-nag included', () => {
    expect(synth).toBeDefined();
    expect(Object.keys(synth.template.Resources).length).toBeGreaterThan(50);
  });

  it('bundles every function as a minified ES module with a source map and without the AWS SDK', () => {
    const found = bundles(synth);
    expect([...found.keys()].sort()).toEqual([...expectedHandlers].sort());
    const sizes: Record<string, string> = {};
    for (const [handler, dir] of found) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(existsSync(join(dir, 'index.mjs.map')), handler).toBe(true);
      expect(code, handler).toMatch(/^import\{createRequire as __mwCreateRequire\}|^import { createRequire as __mwCreateRequire }/);
      expect(code, handler).toContain('//# sourceMappingURL=index.mjs.map');
      // The SDK stays an import of the runtime's copy: "@aws-sdk/..." appears only as an import specifier,
      // or as a key of a package.json a library embeds (the X-Ray SDK's dependency list: `"@aws-sdk/types":"^3...`).
      const mentions = code.match(/.{0,7}"@aws-sdk\/[^"]*"(:"\^)?/g) ?? [];
      expect(
        mentions.filter((m) => !/(from|import\()\s*"@aws-sdk\//.test(m) && !m.endsWith(':"^')),
        handler,
      ).toEqual([]);
      const bytes = statSync(join(dir, 'index.mjs')).size;
      expect(bytes, handler).toBeLessThan(MAX_BUNDLE_BYTES);
      sizes[handler] = `${(bytes / 1024).toFixed(1)} KB`;
    }
    console.info('bundle sizes', sizes);
  });
});
