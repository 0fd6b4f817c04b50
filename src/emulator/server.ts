/** `startEmulator`: the console + autoscaler + store on one loopback HTTP server, with local Python workers. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { autoscalerRoute } from './autoscalerApi';
import { consoleRoute, deleteDeployment } from './consoleApi';
import { EmulatorCore } from './core';
import { Faults, parseFaultRule, type FaultRule } from './faults';
import { marketRoute } from './market';
import { apiError, json, jsonObject, keyOf, readBody, send, type Reply, type Req } from './http';
import { downloadBlob, downloadUrl, uploadBlob } from './s3';
import { stopLeftovers } from './orphans';
import { claimStateDir, type StateClaim } from './stateLock';
import { probePython, probeSandbox } from './runtime';
import { now, Store, type DeploymentRec } from './state';
import { workerReportRoute } from './workerApi';
import { Venvs } from './venvs';
import { WorkerManager } from './workers';

export interface EmulatorOptions {
    /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
    port?: number;
    /**
     * With a state folder and port 0: listen on the port of the state folder's last run when it is free. The SDK
     * writes the service's URLs into each deployment's `env`, so an emulator on a new port would make the next
     * deploy of every unchanged deployment a hard update (as Vast's URLs never change, its deploys would not be).
     */
    reusePort?: boolean;
    /** Loopback address to bind: `127.0.0.1` (default) or `::1`. Anything else is refused. */
    host?: string;
    /** Console keys to accept (each one is a separate user). None: one is generated (and kept in the state). */
    apiKeys?: string[];
    /** Folder for state.json and stored tarballs; without it the state lives in memory only. */
    stateDir?: string;
    /** Python interpreter for workers (default `python3`). */
    python?: string;
    /** Run the deployment's `run_script`/`run_cmd` steps on workers (default false: they are skipped and logged). */
    allowScripts?: boolean;
    /**
     * Install each deployment's `pip_install(...)` packages into its own venv (`python -m venv
     * --system-site-packages`, cached per pip list under the state folder) and run its workers there (default
     * false: the packages are logged as skipped and the interpreter's installed packages are used).
     */
    allowPip?: boolean;
    /** Time limit for creating one venv and installing its packages (default 10 minutes). */
    pipTimeoutMs?: number;
    /** False for an untrusted workspace: deployments are refused and no worker ever starts (default true). */
    allowWorkers?: boolean;
    /** Local cap on workers per deployment (default 2). */
    maxWorkers?: number;
    /** Local cap on workers of all deployments together (default 16). */
    maxWorkersTotal?: number;
    /** Bearer token of the admin API (`/__emulator/...`); generated when not given. */
    adminToken?: string;
    /** Time budget for reading one upload (default: 30 s + 1 s per 10 MB); beyond it the upload is refused. */
    uploadCheckBudgetMs?: number;
    /** Folder holding the Python shim (`vastai/`, `vast_emulator/`); found next to the bundle by default. */
    shimDir?: string;
    /** Where the `vastai` SDK is when the interpreter does not have it installed (added to the worker's PYTHONPATH). */
    sdkPath?: string;
    /** `auto` (default): the SDK's own worker when the interpreter can import it, else the built-in one. */
    worker?: 'auto' | 'sdk' | 'builtin';
    /** Run workers without the bubblewrap sandbox even where it works (default false). */
    noSandbox?: boolean;
    /**
     * Keep one worker process started ahead with its imports done, so a new worker starts in ms: `true` (default)
     * from the first deployment written, `'eager'` from the start (the first deploy is fast too), `false` never.
     */
    warmWorker?: boolean | 'eager';
}

/** Which worker runs and how it is isolated, decided once at start. */
export interface EmulatorRuntimeInfo {
    worker: 'sdk' | 'builtin';
    /** "the SDK's worker (vastai ..., worker server 1.1.0)" or "the built-in worker (...)". */
    description: string;
    sandbox: boolean;
    /** Lines to show the user once (no sandbox, why the built-in worker). */
    notices: string[];
}

export interface EmulatorWorkerInfo {
    id: number;
    deploymentId: number;
    endpointId: number;
    versionId: number;
    state: string;
    msg: string | null;
    pid: number | undefined;
    url: string | undefined;
    restarts: number;
}

export interface EmulatorHandle {
    /** `http://127.0.0.1:<port>`: console, autoscaler and store on the same origin. */
    url: string;
    port: number;
    /** The console keys this emulator accepts. */
    apiKeys: string[];
    /** Set when the emulator made its own key (no `apiKeys` given): the caller prints it once. */
    generatedKey?: string;
    adminToken: string;
    runtime: EmulatorRuntimeInfo;
    faults: { add(rule: FaultRule): void; clear(): void; list(): FaultRule[] };
    workers(): EmulatorWorkerInfo[];
    /** Worker log lines of an endpoint. */
    logs(endpointId: number): string[];
    /** Turns pip installs into per-deployment venvs on or off, for workers started from now on. */
    setAllowPip(on: boolean): void;
    /** Stops the server and every worker process (whole process groups); resolves when they are gone. */
    stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Where the Python shim is: dist/python next to a bundle, or src/emulator/python from out/ (tsc) or the sources. */
export function findShimDir(): string {
    const candidates = [
        path.join(__dirname, 'python'),
        path.resolve(__dirname, '../../../src/emulator/python'),
        path.resolve(__dirname, 'python'),
    ];
    const found = candidates.find((c) => fs.existsSync(path.join(c, 'vast_emulator', 'worker.py')));
    if (!found) throw new Error(`The emulator's Python shim was not found (looked in ${candidates.join(', ')})`);
    return found;
}

/**
 * Starts an emulator. With a state folder that another running emulator holds, rejects with StateInUseError, which
 * names that emulator's URL and key (the caller uses it instead).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.has(host)) throw new Error(`The emulator only listens on loopback, not ${host}`);
    if (!options.stateDir) return startWith(options, host, undefined);
    fs.mkdirSync(options.stateDir, { recursive: true });
    const claim = await claimStateDir(options.stateDir);
    try {
        return await startWith(options, host, claim);
    } catch (e) {
        claim.release();
        throw e;
    }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        const failed = (e: Error): void => reject(e);
        server.once('error', failed);
        server.listen(port, host, () => {
            server.off('error', failed);
            resolve();
        });
    });
}

/** The port a state folder's last emulator listened on, if the file holds one. */
function readPort(file: string): number | undefined {
    try {
        const n = Number(fs.readFileSync(file, 'utf8').trim());
        return Number.isInteger(n) && n > 1023 && n < 65536 ? n : undefined;
    } catch {
        return undefined;
    }
}

async function startWith(
    options: EmulatorOptions,
    host: string,
    claim: StateClaim | undefined,
): Promise<EmulatorHandle> {
    const shimDir = options.shimDir ?? findShimDir();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-emulator-'));
    const store = new Store(options.stateDir, scratch);
    let apiKeys = options.apiKeys?.filter((k) => k !== '') ?? [];
    let generatedKey: string | undefined;
    if (apiKeys.length === 0) {
        store.generatedKey ??= `emu_${randomBytes(20).toString('hex')}`;
        generatedKey = store.generatedKey;
        apiKeys = [generatedKey];
    }
    const workRoot = options.stateDir
        ? path.join(path.resolve(options.stateDir), 'workers')
        : path.join(scratch, 'workers');
    // Workers left by an emulator of this state that died without stopping them (kill -9) go before new ones start.
    const leftovers = options.stateDir ? await stopLeftovers(workRoot) : 0;
    fs.rmSync(workRoot, { recursive: true, force: true });
    fs.mkdirSync(workRoot, { recursive: true, mode: 0o700 });
    const python = options.python ?? 'python3';
    const [pyRuntime, sandbox] = await Promise.all([
        probePython(python, options.sdkPath, options.worker ?? 'auto'),
        probeSandbox(options.noSandbox ?? false),
    ]);
    const runtime: EmulatorRuntimeInfo = {
        worker: pyRuntime.kind,
        description:
            pyRuntime.kind === 'sdk'
                ? `the SDK's worker (${pyRuntime.version})`
                : `the built-in worker (${pyRuntime.reason})`,
        sandbox: sandbox.baseArgs !== undefined,
        notices: [],
    };
    if (leftovers > 0) runtime.notices.push(`Stopped ${leftovers} leftover worker process(es) of a previous run.`);
    if (sandbox.warning) runtime.notices.push(sandbox.warning);
    const venvs = new Venvs({
        python,
        root: options.stateDir ? path.join(path.resolve(options.stateDir), 'venvs') : path.join(scratch, 'venvs'),
        timeoutMs: options.pipTimeoutMs,
    });
    venvs.removeAllBut(new Set(store.deployments.keys()));
    const late: { core?: EmulatorCore } = {};
    const workers = new WorkerManager({
        python,
        shimDir,
        runtime: pyRuntime,
        sandbox,
        sdkPath: options.sdkPath,
        workRoot,
        allowScripts: options.allowScripts ?? false,
        allowPip: options.allowPip ?? false,
        venvs,
        cap: options.maxWorkers ?? 2,
        totalCap: options.maxWorkersTotal ?? 16,
        warmSpare: options.warmWorker !== false,
        baseUrl: () => late.core?.baseUrl ?? '',
        store,
        onReady: (w) => {
            const d = store.deployments.get(w.deploymentId);
            if (d) {
                d.last_healthy_version_id = w.versionId;
                store.changed();
            }
        },
    });
    const faults = new Faults();
    const adminToken = options.adminToken ?? randomBytes(16).toString('hex');
    const core = new EmulatorCore(
        store,
        workers,
        faults,
        { allowWorkers: options.allowWorkers ?? true, uploadCheckBudgetMs: options.uploadCheckBudgetMs },
        apiKeys,
        adminToken,
    );
    late.core = core;
    const c = core;
    const server = createServer((req, res) => {
        handle(c, req, res).catch((err: unknown) => {
            if (!res.headersSent) send(res, apiError(500, 'internal_error', String(err)));
            else res.destroy();
        });
    });
    server.keepAliveTimeout = 65_000;
    const portFile = options.stateDir && options.reusePort ? path.join(options.stateDir, 'last-port') : undefined;
    const lastPort = portFile && !options.port ? readPort(portFile) : undefined;
    try {
        if (lastPort !== undefined) {
            // Taken since (another program): any free port rather than failing to start.
            await listen(server, lastPort, host).catch(() => listen(server, 0, host));
        } else {
            await listen(server, options.port ?? 0, host);
        }
    } catch (e) {
        fs.rmSync(scratch, { recursive: true, force: true });
        throw e;
    }
    const port = (server.address() as AddressInfo).port;
    if (portFile) fs.writeFileSync(portFile, `${port}\n`);
    core.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    // One deployment that cannot run must not take the others (or the timer) down: it is logged and skipped.
    const reconcile = (d: DeploymentRec): void => {
        try {
            workers.reconcile(d);
        } catch (e) {
            workers.log(d.endpoint_id, `[emulator] cannot start workers for deployment ${d.id}: ${String(e)}`);
        }
    };
    try {
        store.flush();
        if (options.allowWorkers !== false) for (const d of store.deployments.values()) reconcile(d);
        if (options.allowWorkers !== false && options.warmWorker === 'eager') workers.warmUp();
    } catch (e) {
        // Start completely or not at all: never a server left listening half set up.
        workers.killAllNow();
        server.closeAllConnections();
        server.close();
        fs.rmSync(scratch, { recursive: true, force: true });
        throw e;
    }

    const tick = setInterval(() => {
        for (const d of [...store.deployments.values()]) {
            const ref = d.last_client_heartbeat ?? d.updated_at;
            if (d.ttl !== null && now() - ref > d.ttl) deleteDeployment(c, d);
            else if (options.allowWorkers !== false) reconcile(d);
        }
    }, 500);

    // If the host process exits without stop(), worker process groups (detached) must not be left running.
    const onExit = (): void => {
        workers.killAllNow();
        fs.rmSync(scratch, { recursive: true, force: true });
        claim?.release();
    };
    process.on('exit', onExit);
    claim?.publish({ url: core.baseUrl, apiKey: apiKeys[0], workers: runtime.description, notes: runtime.notices });
    let stopped: Promise<void> | undefined;
    return {
        url: core.baseUrl,
        port,
        apiKeys,
        generatedKey,
        adminToken,
        runtime,
        faults: { add: (r) => faults.add(r), clear: () => faults.clear(), list: () => faults.list() },
        workers: () =>
            [...workers.workers.values()].map((w) => ({
                id: w.id,
                deploymentId: w.deploymentId,
                endpointId: w.endpointId,
                versionId: w.versionId,
                state: w.state,
                msg: w.msg,
                pid: w.pid,
                url: w.url,
                restarts: w.restarts,
            })),
        logs: (endpointId) => workers.logsOf(endpointId),
        setAllowPip: (on) => workers.setAllowPip(on),
        stop: () =>
            (stopped ??= (async () => {
                clearInterval(tick);
                process.off('exit', onExit);
                await workers.close();
                await new Promise<void>((resolve) => {
                    server.close(() => resolve());
                    server.closeAllConnections();
                });
                store.flush();
                fs.rmSync(scratch, { recursive: true, force: true });
                if (options.stateDir) fs.rmSync(workRoot, { recursive: true, force: true });
                claim?.release();
            })()),
    };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function handle(core: EmulatorCore, raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
    const method = (raw.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith('/__emulator/')) {
        const fault = core.faults.take(method, url.pathname);
        if (fault) {
            if (fault.delayMs) await sleep(fault.delayMs);
            if (fault.drop) {
                raw.socket.destroy();
                return;
            }
            if (fault.status) {
                send(res, apiError(fault.status, 'injected_fault', `Injected fault: HTTP ${fault.status}`));
                return;
            }
            if (fault.malformed) {
                send(res, { status: 200, contentType: 'application/json', text: '{"success": tru' });
                return;
            }
        }
    }
    const p = url.pathname;
    if (method === 'POST' && p === '/__s3/vast-deployments') {
        const reply = await uploadBlob(core, raw);
        core.store.flushIfDirty();
        send(res, reply);
        return;
    }
    const gate = admit(core, method, p, raw.headers, url.searchParams);
    if ('status' in gate) {
        raw.resume(); // drop the body unread
        send(res, gate);
        return;
    }
    let body: Buffer;
    try {
        body = await readBody(raw, gate.limit);
    } catch {
        raw.resume();
        send(res, apiError(413, 'too_large', `The request body is larger than ${gate.limit} bytes`));
        return;
    }
    const reply = gate.route({ method, path: p, query: url.searchParams, headers: raw.headers, body, raw });
    // Acknowledge only what is on disk (a kill -9 right after the answer loses nothing).
    core.store.flushIfDirty();
    if ('file' in reply) sendFile(res, reply.file);
    else send(res, reply);
}

/** Streams a stored blob; a blob deleted while it is being sent is still sent whole (the descriptor holds it). */
export function sendFile(res: ServerResponse, file: string): void {
    const stream = fs.createReadStream(file);
    stream.once('open', (fd: number) => {
        // The open descriptor, not the path: the blob may be deleted meanwhile (a teardown, a ttl, the emulator
        // stopping), and what was opened is still whole.
        let size: number;
        try {
            size = fs.fstatSync(fd).size;
        } catch {
            stream.destroy();
            if (!res.headersSent) send(res, apiError(404, 'not_found', 'The stored file is gone'));
            return;
        }
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': size });
        stream.pipe(res);
    });
    stream.once('error', () => {
        if (!res.headersSent) send(res, apiError(404, 'not_found', 'The stored file is gone'));
        else res.destroy();
    });
}

const KiB = 1024;
/** Body limits per kind of route; the caller is known before any body is read wherever the key is in the headers. */
const LIMITS = { admin: 64 * KiB, console: 1024 * KiB, autoscaler: 256 * KiB, download: 0 };

interface Gate {
    limit: number;
    route: (req: Req) => Reply | { file: string };
}

/** Who may call what, decided from the method, path and headers alone; the body is read only after this. */
function admit(
    core: EmulatorCore,
    method: string,
    p: string,
    headers: IncomingMessage['headers'],
    query: URLSearchParams,
): Gate | Reply {
    const key = keyOf({ headers, query });
    if (p.startsWith('/__emulator/')) {
        if (key !== core.adminToken) return apiError(401, 'not_authorized', 'Admin token required.');
        return { limit: LIMITS.admin, route: (req) => admin(core, req) };
    }
    if (p.startsWith('/__s3/vast-deployments/') && method === 'GET') {
        const s3Key = p.slice('/__s3/vast-deployments/'.length);
        return { limit: LIMITS.download, route: (req) => downloadBlob(core, s3Key, req.query) };
    }
    if (!p.startsWith('/api/')) {
        // The autoscaler's routes carry the endpoint key in their JSON body: a small limit before it is known.
        return {
            limit: LIMITS.autoscaler,
            route: (req) =>
                workerReportRoute(core, req) ??
                autoscalerRoute(core, req) ??
                consoleAuthError(core, key) ??
                apiError(404, 'not_found', `No such API: ${method} ${p}`),
        };
    }
    const dl = /^\/api\/v0\/deployment\/(\d+)\/download_url\/$/.exec(p);
    const w = dl && method === 'GET' && key ? core.workers.byToken(key) : undefined;
    if (w) {
        // A worker's container key: the tarball of the version that worker runs.
        return {
            limit: LIMITS.download,
            route: () => {
                const v = core.store.versions.get(w.versionId);
                if (w.deploymentId !== Number(dl![1]) || !v?.blob) {
                    return apiError(404, 'not_found', 'Deployment not found');
                }
                return json(200, { success: true, download_url: downloadUrl(core, v.s3_key) });
            },
        };
    }
    const refused = consoleAuthError(core, key);
    if (refused) return refused;
    const user = core.userOfKey(key!)!;
    return {
        limit: LIMITS.console,
        route: (req) =>
            marketRoute(req) ??
            consoleRoute(core, req, user) ??
            apiError(404, 'not_found', `No such API: ${method} ${p}`),
    };
}

/** 401/403 for a call without a valid console key; undefined when the key is a user's. */
function consoleAuthError(core: EmulatorCore, key: string | undefined): Reply | undefined {
    if (!key) return apiError(401, 'not_authorized', 'API key not provided as bearer token.');
    if (core.userOfKey(key)) return undefined;
    const isEndpointKey = [...core.store.endpoints.values()].some((e) => e.api_key === key);
    return isEndpointKey
        ? apiError(
              403,
              'not_authorized',
              'Authorization Error. Check that you have proper privileges to perform this action.',
          )
        : apiError(401, 'not_authorized', 'Invalid API key.');
}

function admin(core: EmulatorCore, req: Req): Reply {
    if (req.path === '/__emulator/faults') {
        if (req.method === 'GET') return json(200, { success: true, faults: core.faults.list() });
        if (req.method === 'DELETE') {
            core.faults.clear();
            return json(200, { success: true });
        }
        if (req.method === 'POST') {
            const body = jsonObject(req.body);
            const rule = body ? parseFaultRule(body) : 'The request body must be a JSON object';
            if (typeof rule === 'string') return apiError(400, 'invalid_args', rule);
            core.faults.add(rule);
            return json(200, { success: true, faults: core.faults.list() });
        }
    }
    if (req.path === '/__emulator/workers' && req.method === 'GET') {
        return json(200, {
            success: true,
            workers: [...core.workers.workers.values()].map((w) => ({ ...core.workerJson(w), pid: w.pid ?? null })),
        });
    }
    return apiError(404, 'not_found', `No such API: ${req.method} ${req.path}`);
}
