// Starts VS Code's server build (from the code-server package, run with Node 24) on a loopback port, with a fresh
// user-data and server-data folder whose user settings are written before start.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** A free TCP port on 127.0.0.1 (bound and released; the server binds it right after). */
export function freePort() {
    return new Promise((resolvePort, reject) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const address = srv.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            srv.close(() => resolvePort(port));
        });
    });
}

/**
 * Writes the user settings where the server build reads them: code-server's patched build keeps user settings on
 * disk in `<user-data-dir>/User/settings.json` (not in the browser), and `Machine/settings.json` in the server data
 * folder is written too so machine-scoped settings apply either way.
 */
export function writeUserSettings(userDataDir, serverDataDir, settings, merge = false) {
    for (const dir of [join(userDataDir, 'User'), join(serverDataDir, 'data', 'Machine')]) {
        mkdirSync(dir, { recursive: true });
        const file = join(dir, 'settings.json');
        let old = {};
        if (merge && existsSync(file)) {
            try {
                old = JSON.parse(readFileSync(file, 'utf8'));
            } catch {
                // Not plain JSON (comments): ours replace it.
            }
        }
        writeFileSync(file, JSON.stringify({ ...old, ...settings }, null, 4) + '\n');
    }
}

/**
 * Starts the server and resolves once it prints "Web UI available at".
 * @param {{ install: { node: string, serverMain: string }, tmpDir: string, settings: object, env?: object,
 *   onLog?: (line: string) => void, readyTimeoutMs?: number, port?: number, mergeSettings?: boolean,
 *   smokeTestDriver?: boolean }} options
 * `smokeTestDriver` is for the test suite only: VS Code's notification toasts are hidden while that flag is set, so
 * `npm start` leaves it off and the user sees deploy progress and its results where they look.
 * @returns {Promise<{ port: number, authority: string, origin: string, stop: () => Promise<void>, child: import('node:child_process').ChildProcess }>}
 */
export async function startServer({
    install,
    tmpDir,
    settings,
    env = {},
    onLog = () => {},
    readyTimeoutMs = 60_000,
    port: wantedPort,
    mergeSettings = false,
    smokeTestDriver = false,
    extensionPath,
}) {
    const userDataDir = join(tmpDir, 'user');
    const serverDataDir = join(tmpDir, 'server');
    const extensionsDir = join(serverDataDir, 'extensions');
    if (extensionPath) installLinked(extensionPath, extensionsDir);
    writeUserSettings(userDataDir, serverDataDir, settings, mergeSettings);
    const port = wantedPort || (await freePort());
    const args = [
        install.serverMain,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--disable-telemetry',
        ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
        '--user-data-dir',
        userDataDir,
        '--server-data-dir',
        serverDataDir,
        '--extensions-dir',
        extensionsDir,
    ];
    // detached: the server gets its own process group, so stop() ends it with the extension host, the language
    // server and anything else it started, in one kill.
    const child = spawn(install.node, args, {
        cwd: tmpDir,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: serverEnv(env),
    });
    const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));

    let stopping;
    const stop = () => (stopping ??= stopTree(child, exited));

    const ready = new Promise((resolveReady, reject) => {
        let buffered = '';
        const onData = (chunk) => {
            buffered += chunk.toString();
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
                onLog(line);
                const m = /Web UI available at (https?:\/\/)([^/\s]+)/.exec(line);
                if (m) resolveReady({ authority: m[2], origin: `${m[1]}${m[2]}` });
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', reject);
        void exited.then(({ code, signal }) =>
            reject(new Error(`VS Code server exited before it was ready (code ${code}, signal ${signal})`)),
        );
    });
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(
            () => reject(new Error(`VS Code server not ready after ${readyTimeoutMs} ms`)),
            readyTimeoutMs,
        );
    });
    try {
        const { authority, origin } = await Promise.race([ready, timeout]);
        return { port, authority, origin, stop, child, exited, userDataDir, serverDataDir };
    } catch (err) {
        await stop();
        throw err;
    } finally {
        clearTimeout(timer);
    }
}

/**
 * Installs the extension at `extensionPath` (the repo: package.json + dist/) into the server's extensions folder as
 * a link, so the build `npm start` just made is what runs, without the smoke-test driver that extension development
 * paths need (and that hides notifications). Any earlier install of the same extension is replaced.
 */
function installLinked(extensionPath, extensionsDir) {
    const { publisher, name, version } = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
    mkdirSync(extensionsDir, { recursive: true });
    for (const entry of readdirSync(extensionsDir)) {
        if (entry.startsWith(`${publisher}.${name}-`))
            rmSync(join(extensionsDir, entry), { recursive: true, force: true });
    }
    // The folder list is the extensions manifest's cache: drop it so the server scans the folder again.
    rmSync(join(extensionsDir, 'extensions.json'), { force: true });
    symlinkSync(resolve(extensionPath), join(extensionsDir, `${publisher}.${name}-${version}`), 'dir');
}

/** The runner's env plus `extra`, without variables that would make the server think it runs inside VS Code. */
function serverEnv(extra) {
    const env = { ...process.env };
    for (const key of Object.keys(env)) {
        if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
    }
    for (const [key, value] of Object.entries(extra)) {
        if (value === undefined) delete env[key];
        else env[key] = String(value);
    }
    return env;
}

/**
 * Ends the server and everything below it. Most of it is in the server's process group, but processes that made
 * their own group (the emulator's Python workers, started by the extension host) are found by walking /proc first.
 */
async function stopTree(child, exited) {
    const pids = descendants(child.pid);
    const alive = child.exitCode === null && child.signalCode === null;
    killGroup(child.pid, 'SIGTERM');
    for (const pid of pids) killGroup(pid, 'SIGTERM');
    if (alive) {
        let timer;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
    }
    // Give the rest a moment to exit on SIGTERM, then no more choices.
    for (let i = 0; i < 20 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    killGroup(child.pid, 'SIGKILL');
    for (const pid of pids) killGroup(pid, 'SIGKILL');
}

/** Every process whose parent chain leads to `root` (Linux /proc), deepest last. */
export function descendants(root) {
    const children = new Map();
    for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
            // Fields after the command name (which may contain spaces): state, ppid, pgrp, ...
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            if (!children.has(ppid)) children.set(ppid, []);
            children.get(ppid).push(Number(name));
        } catch {
            // The process ended while we looked.
        }
    }
    const out = [];
    const queue = [root];
    while (queue.length) {
        for (const pid of children.get(queue.shift()) ?? []) {
            out.push(pid);
            queue.push(pid);
        }
    }
    return out;
}

function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Signals a process group, or the process alone when it leads none. */
function killGroup(pid, signal) {
    if (!pid) return;
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            // ESRCH: already gone.
        }
    }
}
