// The machine a run happened on: results are only comparable on the same one.
import { cpus, loadavg, totalmem, type } from 'node:os';

export function machineInfo() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${process.arch}`,
    node: process.version,
    /** Load when the run started: the machine is shared, so a high figure explains noisy results. */
    load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
