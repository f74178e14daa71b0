import type { BenchDatabase } from './bench-database.js';
import type { BenchAccount } from './enroll.js';
import { HttpClient } from './http-client.js';
import { type Cycle, runLoad } from './load.js';
import { loginCycle } from './login-cycle.js';
import type { ServerProcess } from './server-process.js';

/** What survived a `kill -9` of the server under load. */
export interface DurabilityResult {
  /** Writes the server acknowledged before or as it died: sessions (200) plus login challenges (201). */
  readonly acknowledged: number;
  /** Of those, the rows the database holds after the kill. */
  readonly found: number;
  /** The same, by kind. */
  readonly sessions: { readonly acknowledged: number; readonly found: number };
  readonly challenges: { readonly acknowledged: number; readonly found: number };
  /** Cycles cut by the kill (in flight then): expected, not failures. */
  readonly cutByKill: number;
  /** Failed cycles before the kill: real errors. */
  readonly errorsBeforeKill: number;
  readonly passed: boolean;
}

/**
 * The acceptance condition "every acknowledged write survives a kill -9":
 * loads a freshly started server with login cycles, notes every login it
 * acknowledged (201) and the hash of every session token it acknowledged
 * (200), kills it with SIGKILL after `killAfterMs` while the clients are still
 * sending, then reads the database (as the restarted server would) and checks
 * that every acknowledged challenge and session is there.
 */
export async function checkDurability(options: {
  server: ServerProcess;
  database: BenchDatabase;
  accounts: readonly BenchAccount[];
  clients: number;
  killAfterMs: number;
}): Promise<DurabilityResult> {
  const { server, database, accounts, clients, killAfterMs } = options;
  const http = new HttpClient({ host: server.host, port: server.port }, clients);
  const challengeIds: string[] = [];
  const sessionIds: string[] = [];
  const login = loginCycle(http, accounts, {
    login: (id) => challengeIds.push(id),
    session: (token) => sessionIds.push(sessionIdOf(token)),
  });
  let killed = false;
  let errorsBeforeKill = 0;
  let cutByKill = 0;
  const cycle: Cycle = async (client) => {
    try {
      await login(client);
    } catch (error) {
      if (killed) cutByKill += 1;
      else errorsBeforeKill += 1;
      throw error;
    }
  };
  const stop = new AbortController();
  const killer = setTimeout(() => {
    killed = true;
    void server.kill9().then(() => stop.abort());
  }, killAfterMs);
  // The load ends once the server is dead; the window only bounds it.
  await runLoad({
    clients,
    warmupMs: 0,
    measureMs: killAfterMs + 30_000,
    cycle,
    signal: stop.signal,
  });
  clearTimeout(killer);
  await http.close();
  const found = await database.countStored({ challengeIds, sessionIds });
  const sessions = { acknowledged: sessionIds.length, found: found.sessionIds };
  const challenges = { acknowledged: challengeIds.length, found: found.challengeIds };
  return {
    acknowledged: sessions.acknowledged + challenges.acknowledged,
    found: sessions.found + challenges.found,
    sessions,
    challenges,
    cutByKill,
    errorsBeforeKill,
    passed:
      sessions.acknowledged > 0 &&
      sessions.found === sessions.acknowledged &&
      challenges.found === challenges.acknowledged,
  };
}

/**
 * A session token starts with its session's id, the key of its row (server
 * sessions/session-token.ts).
 */
function sessionIdOf(token: string): string {
  return token.slice(0, 32);
}
