import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Memory of a process from /proc/<pid>/status, in MB. */
export interface ProcessMemory {
  /** VmHWM: the peak resident set size since the process started. */
  readonly peakRssMb: number;
  /** VmRSS: the resident set size now. */
  readonly rssMb: number;
}

/**
 * A server the bench runs as a child process, so that its memory and CPU
 * are its own and `kill -9` really kills it. Its stdout (the JSON log) goes
 * to /dev/null: the server still formats every line, at the level it was
 * given, but nothing in the bench spends CPU reading it. Its stderr is kept
 * (the last few KB) to explain a crash.
 */
export class ServerProcess {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | string>;
  #stderr = '';

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8192);
    });
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve(signal ?? code ?? 0));
    });
  }

  /**
   * Starts `node [nodeArgs] script` on `port` (by default a free one; given as
   * `PORT`) and waits until it accepts connections.
   */
  static async start(options: {
    script: string;
    env: Readonly<Record<string, string>>;
    nodeArgs?: readonly string[];
    /** For a server that must know its own address beforehand (its public URL). */
    port?: number;
  }): Promise<ServerProcess> {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
      env: { ...inheritedEnv(), ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new ServerProcess(child, port);
    await server.#waitUntilListening(20_000);
    return server;
  }

  /** False once the process has exited, for whatever reason. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** @throws Error, with the end of its stderr, when the process is no longer running. */
  assertRunning(): void {
    if (!this.running) {
      const how = this.#child.signalCode ?? `code ${this.#child.exitCode}`;
      throw new Error(`the server (pid ${this.#child.pid}) exited (${how}):\n${this.#stderr}`);
    }
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error('the server process did not start');
    return pid;
  }

  /** Resolves with the exit code or signal once the process has ended. */
  get exited(): Promise<number | string> {
    return this.#exited;
  }

  memory(): ProcessMemory {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  }

  /** CPU time the process has used, in seconds. */
  cpuSeconds(): CpuSeconds {
    return processCpuSeconds(this.pid);
  }

  /** `kill -9`: no handler runs, nothing is flushed. */
  async kill9(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (the server closes its database and, under --cpu-prof, writes the profile). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    const ended = await Promise.race([this.#exited, sleep(15_000).then(() => 'timeout')]);
    if (ended === 'timeout') await this.kill9();
  }

  /** The end of what the process wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  async #waitUntilListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited: number | string | null = null;
    void this.#exited.then((how) => {
      exited = how;
    });
    while (Date.now() < deadline) {
      if (exited !== null) {
        throw new Error(`the server exited (${exited}) before listening:\n${this.#stderr}`);
      }
      if (await accepts(this.host, this.port)) return;
      await sleep(50);
    }
    await this.kill9();
    throw new Error(`the server did not listen within ${timeoutMs} ms:\n${this.#stderr}`);
  }
}

/**
 * The bench's environment without the server's and the keeper's own
 * settings, so that a DATABASE_URL or LOG_LEVEL set in the shell does not
 * leak into a measurement:
 * the caller gives those explicitly.
 */
export function inheritedEnv(): Record<string, string | undefined> {
  const server = /^(CIPHERPAD_|DATABASE_|EMAIL_|SMS_|SMTP_|KEEPER_|SITE_)|^(LOG_LEVEL|PORT|HOST)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !server.test(name)));
}

/** CPU time of a process: in user space, and in the kernel on its behalf (system calls). */
export interface CpuSeconds {
  readonly user: number;
  readonly system: number;
}

/** The CPU time of a process, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): CpuSeconds {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5), in clock ticks (USER_HZ = 100 on Linux).
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/**
 * The CPU time, in seconds, of process `root` and all its descendants (say the
 * bench, its server child and a browser with its helper processes), including
 * the children they have already reaped (cutime and cstime of /proc/<pid>/stat).
 */
export function processTreeCpuSeconds(root: number): number {
  const own = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // state ppid … utime stime cutime cstime: fields 3, 4 and 14 to 17 of proc(5).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    const pid = Number(name);
    const parent = Number(fields[1]);
    own.set(pid, ticks / 100);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = 0;
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    total += own.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * CPU time of the whole machine, all cores, from the first line of
 * /proc/stat: busy (everything but idle and iowait) and stolen by the
 * hypervisor, in seconds.
 */
export function machineCpuSeconds(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100 };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}
