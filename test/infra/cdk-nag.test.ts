import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack, type StackFixture } from './support/stack-fixture.js';

let plain: StackFixture;
let full: StackFixture;

beforeAll(() => {
  plain = buildStack();
  // A new alarm topic brings its own findings: check that variant too.
  full = buildStack({ context: { alarmEmail: 'ops@example.com' } });
});
afterAll(() => {
  plain.cleanup();
  full.cleanup();
});

function findings(fixture: StackFixture) {
  return fixture.nag.validateScope(fixture.app).violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    where: v.violatingResources.map((r) => r.constructPath),
  }));
}

/** Every acknowledged rule in the tree, with where and why. */
function acknowledgments(root: IConstruct): { path: string; rule: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          path: construct.node.path,
          rule: rule.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack', () => {
    expect(findings(plain)).toEqual([]);
  });

  it('finds nothing unacknowledged with an alarm topic', () => {
    expect(findings(full)).toEqual([]);
  });

  it('gives every acknowledgment a reason a reviewer can check', () => {
    const all = acknowledgments(full.app);
    expect(all.length).toBeGreaterThan(0);
    for (const { path, rule, reason } of all) {
      expect(rule, path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, `${path} ${rule}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges only the expected rules', () => {
    const rules = new Set(acknowledgments(full.app).map(({ rule }) => rule.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
    ]);
  });

  it('has no stale acknowledgment: each one silences a finding in or under its construct', () => {
    // A pack that ignores acknowledgments shows what they silence (isAcknowledged is cdk-nag's private hook).
    const raw = new AwsSolutionsChecks(full.app);
    Object.assign(raw, { isAcknowledged: () => false });
    const rawFindings = raw.validateScope(full.app).violations;
    for (const { path, rule } of acknowledgments(full.app)) {
      const silenced = rawFindings.some(
        (v) =>
          v.ruleName === rule &&
          v.violatingResources.some((r) => r.constructPath === path || (r.constructPath ?? '').startsWith(`${path}/`)),
      );
      expect(silenced, `${path} ${rule}`).toBe(true);
    }
  });
});
