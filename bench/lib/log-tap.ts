// The product's structured log lines while tapped, counted by message, the chosen ones kept with the time
// they were written. Only fields asked for are kept: never bodies. The Powertools logger writes INFO to
// stdout and WARN/ERROR to stderr; on stderr they are held back, so the benchmark's progress stays readable
// (a benchmark process discards stdout, where the rest of the product's logs go).
export interface LoggedEntry {
  /** Epoch ms the line was written (as sink-server's `now`). */
  at: number;
  fields: Record<string, unknown>;
}

export interface LogTap {
  /** message -> lines since the tap started. */
  counts(): Record<string, number>;
  /** message -> bytes of its lines since the tap started (each with its newline), as CloudWatch Logs would take them. */
  bytes(): Record<string, number>;
  /** The kept lines of this message, with the named fields only. */
  entries(message: string): LoggedEntry[];
  stop(): void;
}

type Write = typeof process.stdout.write;

/** Keeps, for each message named in `keep`, the fields listed beside it (`'*'`: all of them). */
export function tapLogs(keep: Record<string, readonly string[]>): LogTap {
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  const kept = new Map<string, LoggedEntry[]>();
  /** True when the line is one of the product's log lines (and was counted). */
  const read = (line: string): boolean => {
    const entry = parsed(line);
    if (!entry) return false;
    const message = String(entry.message);
    counts.set(message, (counts.get(message) ?? 0) + 1);
    bytes.set(message, (bytes.get(message) ?? 0) + Buffer.byteLength(line) + 1);
    const fields = keep[message];
    if (fields) {
      const list = kept.get(message) ?? [];
      const picked = fields.includes('*') ? { ...entry } : Object.fromEntries(fields.map((name) => [name, entry[name]]));
      list.push({ at: performance.timeOrigin + performance.now(), fields: picked });
      kept.set(message, list);
    }
    return true;
  };
  const tap = (stream: NodeJS.WriteStream, holdBack: boolean): (() => void) => {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      const allLogs = lines.map((line) => read(line.trim())).every(Boolean);
      if (holdBack && lines.length > 0 && allLogs) {
        const done = rest.find((arg): arg is () => void => typeof arg === 'function');
        if (done) process.nextTick(done);
        return true;
      }
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Write;
    return () => void (stream.write = write);
  };
  const untaps = [tap(process.stdout, false), tap(process.stderr, true)];
  return {
    counts: () => Object.fromEntries(counts),
    bytes: () => Object.fromEntries(bytes),
    entries: (message) => kept.get(message) ?? [],
    stop: () => untaps.forEach((untap) => untap()),
  };
}

function parsed(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return typeof entry.level === 'string' && typeof entry.message === 'string' ? entry : undefined;
  } catch {
    return undefined;
  }
}
