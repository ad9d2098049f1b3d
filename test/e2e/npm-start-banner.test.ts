// Every command `npm start` prints works pasted in a folder outside the project, in local and in strict mode, and after a restart.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/free-port.js';
import { answers } from '../../infra/local/state-file.js';
import { waitFor } from '../helpers/wait-for.js';
import { cleanUp, npmStart, stop, type NpmStart } from './support/npm-start.js';

const run = promisify(execFile);
const hasShellTools = await run('sh', ['-c', 'command -v curl && command -v openssl']).then(
  () => true,
  () => false,
);

/** The commands under "Try it", continuation lines joined, comments left out. */
function printedCommands(banner: string): string[] {
  const section = banner.slice(banner.indexOf('Try it')).split('\n\n')[0]!.split('\n').slice(1);
  const commands: string[] = [];
  for (const line of section.map((text) => text.replace(/^ {2}/, ''))) {
    const previous = commands.at(-1);
    if (previous?.endsWith('\\')) commands[commands.length - 1] = `${previous}\n${line}`;
    else if (!line.startsWith('#')) commands.push(line);
  }
  return commands;
}

/** Runs a printed command as a user pasting it into sh in `cwd` would; returns what it printed. */
async function paste(command: string, cwd: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', command], { cwd, timeout: 15_000 });
  return stdout;
}

let elsewhere: string;
let started: NpmStart | undefined;
let receiver: ChildProcess | undefined;
beforeAll(() => {
  elsewhere = mkdtempSync(join(tmpdir(), 'banner-cwd-'));
});
afterEach(async () => {
  receiver?.kill();
  receiver = undefined;
  await cleanUp(started, { keepStateDir: true });
  started = undefined;
});
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe.skipIf(!hasShellTools)('the banner of npm start', () => {
  it(
    'offers a receiver, webhooks and a signed sample that all work pasted in another folder, before and after a restart',
    { timeout: 90_000 },
    async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'banner-state-'));
      try {
        // First start: a fresh number, so the clone is added by enabling; the DELETE is left for later.
        const first = await tryEveryCommand(stateDir, { skipDelete: true });
        expect(first.commands.some((command) => command.includes(`-X POST`) && command.includes('"enabled":true,"destinations"'))).toBe(
          true,
        );
        // Second start on the same data: the clone exists and points at the old receiver port, so it is re-pointed.
        const second = await tryEveryCommand(stateDir, { skipDelete: false });
        expect(second.commands.some((command) => command.includes('-X PATCH'))).toBe(true);
        expect(second.outputs.at(-1)).toContain('Deleted webhook \\"crm\\"');
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  );

  it('in strict mode offers no loopback receiver, says so, and every command it offers works', { timeout: 60_000 }, async () => {
    started = npmStart({ DESTINATION_POLICY: 'strict' });
    const { banner } = await started.ready;

    expect(banner).toContain('loopback receivers are refused');
    const commands = printedCommands(banner);
    expect(commands.join('\n')).not.toMatch(/node -e|http:\/\/127\.0\.0\.1:\d+\/(primary|crm)/);
    const outputs = [];
    for (const command of commands) outputs.push(await paste(command, elsewhere));
    expect(outputs.filter((output) => output.includes('"error"'))).toEqual([]);
    expect(outputs).toContain('{"status":"queued"}');
  });
});

/** Starts npm start on `stateDir` with a receiver port of its own and runs every printed command, the receiver included. */
async function tryEveryCommand(stateDir: string, options: { skipDelete: boolean }): Promise<{ commands: string[]; outputs: string[] }> {
  const receiverPort = await freePort();
  started = npmStart({ RECEIVER_PORT: String(receiverPort) }, stateDir);
  const { banner } = await started.ready;
  const [receiverCommand, ...commands] = printedCommands(banner);
  expect(receiverCommand).toContain(`listen(${receiverPort},'127.0.0.1')`);
  let received = '';
  receiver = spawn('sh', ['-c', `exec ${receiverCommand}`], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'inherit'] });
  receiver.stdout!.on('data', (chunk: Buffer) => (received += chunk.toString()));
  await waitFor(() => answers(`http://127.0.0.1:${receiverPort}`));

  const outputs: string[] = [];
  for (const command of commands.filter((text) => !(options.skipDelete && text.includes('-X DELETE'))))
    outputs.push(await paste(command, elsewhere));

  expect(outputs.filter((output) => output.includes('"error"'))).toEqual([]);
  expect(outputs).toContain('{"status":"queued"}');
  expect(outputs).toContain('1234');
  await waitFor(() => /POST \/primary .* \d+ bytes\n[\s\S]*POST \/crm /.test(received), { timeoutMs: 40_000 });
  receiver.kill();
  receiver = undefined;
  await stop(started);
  started = undefined;
  return { commands, outputs };
}
