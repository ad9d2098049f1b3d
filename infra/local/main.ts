// `npm start`: runs the whole product on this machine and tells a newcomer how to use it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidEnvironment, parseConfig } from '../../shared/config.js';
import { INGEST_PATH } from '../routes.js';
import { FALLBACK_PHONE, localBanner } from './banner.js';
import { parseLocalEnvironment, type LocalEnvironment } from './local-environment.js';
import { LOCAL_DEFAULTS, startLocalStack, stateOf, type LocalStack } from './local-stack.js';
import { chooseReceiverPort } from './receiver-port.js';
import { writeSampleNotification } from './sample-notification.js';
import { findLocalStack, localSigningMasterKey, PROJECT_ROOT, stateDirectory, writeLocalStackFile } from './state-file.js';

const startedAt = performance.now();
// The SDK's multi-line Node 20 notice would bury the banner; the banner carries it in one line.
const onNode20 = Number(process.versions.node.split('.')[0]) < 22;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A closed terminal (SIGHUP) makes writes fail; that must not cut the shutdown short.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

/** Ctrl+C, `kill`, systemd, a container stop or an IDE's stop button, and a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let stack: LocalStack | undefined;
let forgetStateFile: (() => void) | undefined;
let stopRequested: string | undefined;
let stopRequestedAt = 0;

for (const signal of STOP_SIGNALS) process.on(signal, () => void requestStop(signal));
// Whatever started this process (npm) may die without passing a signal on (SIGKILL); then stop too.
const parentPid = process.ppid;
const parentWatch = setInterval(
  () => process.ppid !== parentPid && void requestStop(`the parent process ${parentPid} ended`),
  1000,
).unref();

try {
  const local = checkEnvironment(process.env);
  await refuseSecondStack(local.stateDir);
  const dbPath = resolve(local.stateDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  // A SIGNING_MASTER_KEY of the environment wins over the kept one.
  const env = { SIGNING_MASTER_KEY: localSigningMasterKey(local.stateDir), ...process.env };
  // While deliveries happen, a line of totals every few seconds; nothing while idle.
  const liveSummary = { print: (line: string) => console.log(line) };
  stack = await startLocalStack({ port: local.port, dbPath, env, liveSummary }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new Error(`port ${local.port} is in use; stop what uses it or set PORT=<another port>`) : error;
  });
  forgetStateFile = writeLocalStackFile(local.stateDir, stateOf(stack, process.pid));
  // A signal that came while the stack was starting stops it now that there is something to stop.
  if (stopRequested) await stopAndExit();
  console.log(await bannerFor(stack, local, dbPath));
} catch (error) {
  console.error(`multi-webhook could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stack?.stop().catch(() => undefined);
  process.exit(1);
}

/** Both the local variables and the product's, all mistakes in one line, before anything starts. */
function checkEnvironment(env: NodeJS.ProcessEnv): LocalEnvironment {
  const problems: string[] = [];
  const collect = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InvalidEnvironment)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const local = collect(() => parseLocalEnvironment(env));
  collect(() => parseConfig({ ...LOCAL_DEFAULTS, ...env }));
  if (problems.length > 0 || !local) throw new InvalidEnvironment(problems);
  return local;
}

/** Two stacks on one state directory would share DynamoDB Local's files and the CLI's state file. */
async function refuseSecondStack(stateDir: string): Promise<void> {
  const found = await findLocalStack(stateDir);
  if (found.state !== 'running') return;
  const { pid, apiUrl } = found.target;
  throw new Error(
    `another local stack (pid ${pid}, API ${apiUrl}) is running on ${stateDir}; stop it first (kill ${pid}), or set LOCAL_STATE_DIR to another directory`,
  );
}

async function requestStop(signal: string): Promise<void> {
  if (stopRequested) {
    // npm passes on the Ctrl+C that the terminal sent this process too: one press can arrive twice.
    if (performance.now() - stopRequestedAt < 1000) return;
    // A second Ctrl+C: leave now; the exit hooks still kill DynamoDB Local and remove the state file.
    console.log(`${signal} again: exiting without waiting.`);
    process.exit(1);
  }
  stopRequested = signal;
  stopRequestedAt = performance.now();
  clearInterval(parentWatch);
  console.log(`\n${signal}: stopping the local stack...`);
  // While starting, the start finishes first (it owns the children); then it sees the request.
  if (stack && forgetStateFile) await stopAndExit();
}

async function stopAndExit(): Promise<never> {
  forgetStateFile?.();
  await stack?.stop();
  process.exit(0);
}

async function bannerFor(running: LocalStack, local: LocalEnvironment, dbPath: string): Promise<string> {
  const demo = running.apiKeys[0];
  const phoneNumber = demo?.phoneNumber ?? FALLBACK_PHONE;
  const sampleFile = writeSampleNotification(local.stateDir, phoneNumber);
  const [demoConfig, receiver] = await Promise.all([
    running.services.webhooks.readPhoneConfig(phoneNumber),
    chooseReceiverPort(local.receiverPort),
  ]);
  return localBanner({
    apiUrl: running.apiUrl,
    ingestUrl: `${running.apiUrl}${INGEST_PATH}`,
    appSecret: running.config.WHATSAPP_APP_SECRET ?? LOCAL_DEFAULTS.WHATSAPP_APP_SECRET,
    verifyToken: running.config.WHATSAPP_VERIFY_TOKEN ?? LOCAL_DEFAULTS.WHATSAPP_VERIFY_TOKEN,
    dbPath,
    sqsEndpoint: running.sqsEndpoint,
    policy: running.config.DESTINATION_POLICY,
    demo,
    demoConfig,
    sampleFile,
    cliPath: resolve(PROJECT_ROOT, 'bin', 'multi-webhook.js'),
    stateDirForCli: local.stateDir === stateDirectory(undefined) ? undefined : local.stateDir,
    receiver,
    readySeconds: (performance.now() - startedAt) / 1000,
    onNode20,
  });
}
