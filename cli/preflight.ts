// `multi-webhook preflight`: the account's Lambda concurrency against what the stack reserves and asks for.
import { CONCURRENCY_DEFAULTS } from '../shared/defaults.js';
import type { Command } from './arguments.js';
import { checkConcurrency, type AccountConcurrency } from './concurrency-check.js';
import { UserError, type Target } from './target.js';

type PreflightCommand = Extract<Command, { command: 'preflight' }>;

export interface PreflightDependencies {
  account(region: string | undefined): Promise<AccountConcurrency>;
  out(line: string): void;
}

const lambdaAccount: PreflightDependencies = { account: readAccount, out: (line) => process.stdout.write(`${line}\n`) };

export async function runPreflight(command: PreflightCommand, deployed: Target | undefined, deps = lambdaAccount): Promise<number> {
  const outputs = deployed?.outputs ?? {};
  const deployedReserved = Number(outputs.IngestReservedConcurrency ?? 0);
  const reserved =
    command.ingestReservedConcurrency ??
    (outputs.IngestReservedConcurrency ? deployedReserved : CONCURRENCY_DEFAULTS.ingestReservedConcurrency);
  const findings = checkConcurrency(await deps.account(process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION), {
    deliveryMaxConcurrency:
      command.deliveryMaxConcurrency ?? Number(outputs.DeliveryMaxConcurrency ?? CONCURRENCY_DEFAULTS.deliveryMaxConcurrency),
    ingestReservedConcurrency: reserved === 'off' || reserved === 0 ? undefined : reserved,
    alreadyReserved: deployedReserved,
  });
  for (const { ok, line } of findings) deps.out(`${ok ? 'ok  ' : 'FAIL'}  ${line}`);
  return findings.every((finding) => finding.ok) ? 0 : 1;
}

async function readAccount(region: string | undefined): Promise<AccountConcurrency> {
  const { GetAccountSettingsCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const client = new LambdaClient({ ...(region && { region }) });
  try {
    const { AccountLimit } = await client.send(new GetAccountSettingsCommand({}));
    if (AccountLimit?.ConcurrentExecutions === undefined || AccountLimit.UnreservedConcurrentExecutions === undefined) {
      throw new UserError('Lambda did not report the account concurrency (GetAccountSettings answered without AccountLimit).');
    }
    return { limit: AccountLimit.ConcurrentExecutions, unreserved: AccountLimit.UnreservedConcurrentExecutions };
  } finally {
    client.destroy();
  }
}
