// `npx multi-webhook keys|dlq|smoke|preflight`: operator commands for the local stack or a deployed one.
import { InvalidEnvironment } from '../shared/config.js';
import { parseCommand, USAGE } from './arguments.js';
import { runDlq } from './dlq.js';
import { runKeys } from './keys.js';
import { runPreflight } from './preflight.js';
import { runSmoke } from './smoke.js';
import { resolveTarget, UserError } from './target.js';

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv, Date.now());
  if ('withUsage' in command) {
    if (!command.withUsage) return fail(command.problem!);
    return usage(2, command.problem);
  }
  switch (command.command) {
    case 'help':
      return usage(0);
    case 'preflight':
      // Before a first deploy there is no stack to read: the command needs only the account.
      return runPreflight(command, command.stack === undefined ? undefined : await resolveTarget(command.stack, process.env));
    case 'dlq list':
    case 'dlq redrive':
      return runDlq(command, await resolveTarget(command.stack, process.env));
    case 'smoke':
      return runSmoke(command, await resolveTarget(command.stack, process.env));
    default:
      return runKeys(command, await resolveTarget(command.stack, process.env));
  }
}

function usage(code: number, problem?: string): number {
  (code === 0 ? process.stdout : process.stderr).write(`${problem ? `${problem}\n\n` : ''}${USAGE}\n`);
  return code;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UserError || error instanceof InvalidEnvironment || (error instanceof Error && 'status' in error);
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `${known ? message : refused ? `The stack stopped answering (${message}): is it still running?` : `Failed: ${message}`}\n`,
    );
    process.exit(1);
  },
);
