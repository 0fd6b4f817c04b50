/**
 * Local workers: one Python process per worker, running `vast_emulator.worker` (src/emulator/python) in its own
 * folder and process group. States follow Vast's codes (CREATING -> LOADING -> MODEL_LOADING -> IDLE, ERROR,
 * STOPPED, UPDATE_*), scaling follows the deployment's autoscaling fields within a local cap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { DeploymentRec, Store } from './state';
import { now } from './state';
import { sandboxCommand, type PythonRuntime, type SandboxInfo } from './runtime';
import { stopLeftovers } from './orphans';
import { desiredWorkers, dockerEnv } from './scaling';
import { readPipInstalls, type Venv, type Venvs } from './venvs';
import { noMachineReason } from './market';

export type WorkerState =
    'CREATING' | 'LOADING' | 'MODEL_LOADING' | 'IDLE' | 'ERROR' | 'STOPPED' | 'UPDATE_REBOOTING' | 'REBOOTING';

export interface WorkerRt {
    id: number;
    deploymentId: number;
    endpointId: number;
    versionId: number;
    state: WorkerState;
    msg: string | null;
    pid: number | undefined;
    /** Process group of the last process (= its pid, `detached`), kept after exit to sweep leftover children. */
    pgid: number | undefined;
    url: string | undefined;
    perf: number;
    reqsWorking: number;
    served: number;
    startedAt: number;
    loadedAt: number | null;
    restarts: number;
    dir: string;
    token: string;
    /** The SDK worker's MASTER_TOKEN: its `/worker_status/` reports carry it. */
    mtoken: string;
    /** Set when the emulator stops the process on purpose (no restart on exit). */
    stopping: boolean;
    proc: ChildProcess | undefined;
    exited: Promise<void>;
    /** The deployment's virtual environment this worker runs in (pip packages allowed), if any. */
    venv?: string;
}

export interface WorkerOptions {
    python: string;
    shimDir: string;
    /** Which worker runs (the SDK's or the built-in one), probed once at start. */
    runtime: PythonRuntime;
    /** The bubblewrap sandbox, when it works here. */
    sandbox: SandboxInfo;
    /** Added to PYTHONPATH for the SDK's worker (where the SDK is, when not installed). */
    sdkPath?: string;
    workRoot: string;
    allowScripts: boolean;
    /** Install `pip_install(...)` packages into a per-deployment venv (default false: they are skipped). */
    allowPip: boolean;
    venvs: Venvs;
    /** Workers per deployment. */
    cap: number;
    /** Workers of all deployments together (a burst of deployments must not exhaust the machine). */
    totalCap: number;
    baseUrl: () => string;
    store: Store;
    /** Keep one worker process started ahead, its imports done (default on). */
    warmSpare?: boolean;
    /** Called when a worker reaches IDLE (to record the healthy version). */
    onReady: (w: WorkerRt) => void;
}

const MAX_RESTARTS = 3;
const MAX_SPARE_FAILURES = 3;
/** Variables that act when an interpreter starts: a deployment that sets one gets a process started with it. */
const STARTUP_ENV = /^(PYTHON|LD_|LC_|LANG$|LANGUAGE$|MALLOC_|PATH$|HOME$|TMPDIR$)/;

/** A worker process; `worker` is unset while it is a warm spare. */
interface WorkerProcess {
    proc: ChildProcess;
    dir: string;
    /** What every worker gets at spawn; the deployment's env cannot override these (it could not before either). */
    baseEnv: Record<string, string>;
    worker: WorkerRt | undefined;
    exited: Promise<void>;
    failedToStart?: string;
    /** Stopped on purpose while still a spare (emulator closing). */
    retired?: boolean;
}
const LOG_LINES = 2000;
const NO_MACHINE_HINT =
    'On Vast the endpoint waits, creating no worker, until an offer matches; change image.require(...) ' +
    '(`vast-deployments machines FILE` shows what matches)';

export class WorkerManager {
    readonly workers = new Map<number, WorkerRt>();
    private readonly logs = new Map<number, string[]>();
    private readonly demand = new Map<number, { last: number; recent: number[] }>();
    private closed = false;
    private spare: WorkerProcess | undefined;
    private spareFailures = 0;
    private spareNote = '';
    /** Endpoints told that the emulator-wide cap holds their worker back (said once until it fits again). */
    private readonly capped = new Set<number>();
    /** Why no machine matches, per `search_params` (the market is fixed); undefined when one does. */
    private readonly market = new Map<string, string | undefined>();
    /** Endpoints whose search_params match no machine: the search_params last said so in their log. */
    private readonly unmatched = new Map<number, string>();

    constructor(private readonly o: WorkerOptions) {
        fs.mkdirSync(o.workRoot, { recursive: true });
    }

    workersOf(endpointId: number): WorkerRt[] {
        return [...this.workers.values()].filter((w) => w.endpointId === endpointId);
    }

    byToken(token: string): WorkerRt | undefined {
        return [...this.workers.values()].find((w) => w.token === token);
    }

    logsOf(endpointId: number, tail?: number): string[] {
        const lines = this.logs.get(endpointId) ?? [];
        return tail !== undefined ? lines.slice(-tail) : [...lines];
    }

    log(endpointId: number, line: string): void {
        let lines = this.logs.get(endpointId);
        if (!lines) this.logs.set(endpointId, (lines = []));
        lines.push(`${new Date().toISOString()} ${line}`);
        if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
    }

    /** A `/route/` call for this endpoint: counts toward load and wakes a scaled-to-zero endpoint. */
    noteDemand(dep: DeploymentRec, cost: number): void {
        const d = this.demand.get(dep.endpoint_id) ?? { last: 0, recent: [] };
        const t = now();
        d.last = t;
        d.recent.push(t, cost);
        while (d.recent.length > 0 && d.recent[0]! < t - 10) d.recent.splice(0, 2);
        this.demand.set(dep.endpoint_id, d);
        if (this.workersOf(dep.endpoint_id).length === 0) this.reconcile(dep);
    }

    /** Starts or stops workers so the deployment has the number its settings ask for. */
    reconcile(dep: DeploymentRec): void {
        if (this.closed) return;
        const ep = this.o.store.endpoints.get(dep.endpoint_id);
        const version = dep.current_version_id !== null ? this.o.store.versions.get(dep.current_version_id) : undefined;
        const live = this.workersOf(dep.endpoint_id).filter((w) => w.state !== 'STOPPED');
        if (!ep || ep.endpoint_state !== 'active' || !version || version.status !== 'uploaded') {
            for (const w of live) this.stop(w, 'STOPPED');
            return;
        }
        // Failed workers of an older version give way to the new code.
        for (const w of live.filter((x) => x.state === 'ERROR' && x.versionId !== version.id)) {
            this.stop(w, 'STOPPED', true);
            live.splice(live.indexOf(w), 1);
        }
        if (live.some((w) => w.msg === 'update pending')) {
            this.reconcileUpdate(dep);
            return;
        }
        const d = this.demand.get(dep.endpoint_id);
        let load = 0;
        if (d) for (let i = 1; i < d.recent.length; i += 2) load += d.recent[i]! / 10;
        const perf = Math.max(0, ...live.map((w) => w.perf));
        const want = desiredWorkers(dep.autoscaling, {
            cap: this.o.cap,
            lastDemandAgo: d ? now() - d.last : Infinity,
            load,
            perf,
            running: live.length,
        });
        const current = live.filter((w) => w.versionId === version.id || w.state === 'IDLE');
        for (let i = current.length; i < want && this.machineFor(dep) && this.roomFor(dep); i++) {
            this.spawn(dep, version.id);
        }
        if (current.length > want) {
            const order = current.sort((a, b) => Number(a.state === 'IDLE') - Number(b.state === 'IDLE'));
            for (const w of order.slice(0, current.length - want)) this.stop(w, 'STOPPED', true);
        }
    }

    /** Soft update (`/update_workers/`): new workers on the current version; each old one retires once a new one is ready. */
    rollingUpdate(dep: DeploymentRec): number {
        const old = this.workersOf(dep.endpoint_id).filter(
            (w) => w.versionId !== dep.current_version_id && w.state !== 'STOPPED',
        );
        for (const w of old) {
            if (w.state !== 'IDLE') this.stop(w, 'UPDATE_REBOOTING', true);
            else w.msg = 'update pending';
        }
        this.reconcileUpdate(dep);
        return old.length;
    }

    /** Hard update: every worker restarts now on the new image/env/version. */
    restartAll(dep: DeploymentRec): void {
        for (const w of this.workersOf(dep.endpoint_id)) this.stop(w, 'REBOOTING', true);
        this.reconcile(dep);
    }

    private reconcileUpdate(dep: DeploymentRec): void {
        const live = this.workersOf(dep.endpoint_id).filter((w) => w.state !== 'STOPPED');
        const fresh = live.filter((w) => w.versionId === dep.current_version_id);
        const old = live.filter((w) => w.versionId !== dep.current_version_id);
        const readyFresh = fresh.filter((w) => w.state === 'IDLE').length;
        // Keep capacity: one old worker retires per fresh worker that is ready.
        for (const w of old.slice(0, readyFresh)) this.stop(w, 'UPDATE_REBOOTING', true);
        const want = Math.max(old.length, 1);
        if (dep.current_version_id !== null) {
            for (
                let i = fresh.length;
                i < Math.min(want, this.o.cap) && this.machineFor(dep) && this.roomFor(dep);
                i++
            ) {
                this.spawn(dep, dep.current_version_id);
            }
        }
    }

    /** Why no worker can be created for this deployment (no machine matches its search_params), if so. */
    noMachine(dep: DeploymentRec): string | undefined {
        if (!this.market.has(dep.search_params)) {
            if (this.market.size >= 256) this.market.clear();
            this.market.set(dep.search_params, noMachineReason(dep.search_params));
        }
        return this.market.get(dep.search_params);
    }

    /**
     * Whether a machine matches the deployment's search_params. As on Vast, where a workergroup whose query matches
     * no offer creates no worker and the endpoint waits, none is started; the log says why (once per search_params).
     */
    private machineFor(dep: DeploymentRec): boolean {
        const why = this.noMachine(dep);
        if (!why) {
            this.unmatched.delete(dep.endpoint_id);
            return true;
        }
        if (this.unmatched.get(dep.endpoint_id) !== dep.search_params) {
            this.unmatched.set(dep.endpoint_id, dep.search_params);
            this.log(dep.endpoint_id, `[emulator] no worker created: ${why}. ${NO_MACHINE_HINT}`);
        }
        return false;
    }

    /** Whether one more worker fits under the emulator-wide cap; says once per deployment when it does not. */
    private roomFor(dep: DeploymentRec): boolean {
        const running = [...this.workers.values()].filter((w) => w.state !== 'STOPPED' && w.state !== 'ERROR').length;
        if (running < this.o.totalCap) {
            this.capped.delete(dep.endpoint_id);
            return true;
        }
        if (!this.capped.has(dep.endpoint_id)) {
            this.capped.add(dep.endpoint_id);
            this.log(
                dep.endpoint_id,
                `[emulator] no worker started: the emulator already runs ${running} workers, its limit for all ` +
                    `deployments (--max-workers-total ${this.o.totalCap}). Tear down or stop another deployment.`,
            );
        }
        return false;
    }

    /** Stops a deployment's workers; with `remove` their records go too. */
    stopDeployment(dep: DeploymentRec, remove: boolean): void {
        for (const w of this.workersOf(dep.endpoint_id)) this.stop(w, 'STOPPED', remove);
        if (remove) {
            this.logs.delete(dep.endpoint_id);
            this.demand.delete(dep.endpoint_id);
            this.unmatched.delete(dep.endpoint_id);
        }
    }

    /** Teardown: the workers go, then the deployment's venvs (a running pip install is stopped). */
    removeDeployment(dep: DeploymentRec): void {
        const gone = this.workersOf(dep.endpoint_id).map((w) => w.exited);
        this.stopDeployment(dep, true);
        this.o.venvs.remove(dep.id);
        void Promise.all(gone).then(() => this.o.venvs.remove(dep.id));
    }

    /** Whether pip packages go into per-deployment venvs; applies to workers started from now on. */
    setAllowPip(on: boolean): void {
        this.o.allowPip = on;
    }

    private spawn(dep: DeploymentRec, versionId: number): WorkerRt {
        const id = this.o.store.id();
        const w: WorkerRt = {
            id,
            deploymentId: dep.id,
            endpointId: dep.endpoint_id,
            versionId,
            state: 'CREATING',
            msg: null,
            pid: undefined,
            pgid: undefined,
            url: undefined,
            perf: 0,
            reqsWorking: 0,
            served: 0,
            startedAt: now(),
            loadedAt: null,
            restarts: 0,
            dir: '',
            token: randomBytes(24).toString('hex'),
            mtoken: randomBytes(24).toString('hex'),
            stopping: false,
            proc: undefined,
            exited: Promise.resolve(),
        };
        this.workers.set(id, w);
        this.o.store.changed();
        this.launch(dep, w);
        return w;
    }

    /** The environment a container gives this worker (the rest, the same for every worker, is set at spawn). */
    private workerEnv(dep: DeploymentRec, w: WorkerRt): Record<string, string> {
        return {
            DEPLOYMENT_ID: String(dep.id),
            WORKER_ID: String(w.id),
            CONTAINER_ID: String(w.id),
            CONTAINER_API_KEY: w.token,
            MASTER_TOKEN: w.mtoken,
        };
    }

    /** Starts the worker's process; with pip allowed and packages to install, once its venv is ready. */
    private launch(dep: DeploymentRec, w: WorkerRt): void {
        if (!this.o.allowPip) return this.launchProcess(dep, w);
        const live = (): boolean => !this.closed && !w.stopping && this.workers.get(w.id) === w;
        const blob = this.o.store.versions.get(w.versionId)?.blob;
        const file = blob ? this.o.store.blobPath(blob) : undefined;
        void (file ? readPipInstalls(file) : Promise.resolve([]))
            .then((packages) => {
                if (packages.length === 0 || !live()) return undefined;
                w.state = 'LOADING';
                w.msg = `installing pip packages: ${packages.join(' ')}`;
                const say = (line: string): void => this.log(w.endpointId, `[worker ${w.id}] ${line}`);
                return this.o.venvs.ensure(dep.id, packages, say, file).then((v) => {
                    if (!v.installed) {
                        say(`[pip] reusing the deployment's virtual environment ${v.dir} (${packages.join(' ')})`);
                    }
                    return v;
                });
            })
            .then(
                (venv) => {
                    if (!live()) return;
                    w.msg = null;
                    this.launchProcess(dep, w, venv);
                    this.pruneVenvs(dep.id);
                },
                (e: unknown) => {
                    if (!live()) return;
                    w.state = 'ERROR';
                    w.msg = e instanceof Error ? e.message : String(e);
                    this.log(w.endpointId, `[worker ${w.id}] ${w.msg}`);
                },
            );
    }

    /** Venvs no worker of the deployment runs in any more (a pip list changed) go; the latest one stays. */
    private pruneVenvs(depId: number): void {
        const inUse = new Set<string>();
        for (const w of this.workers.values()) if (w.deploymentId === depId && w.venv) inUse.add(w.venv);
        this.o.venvs.prune(depId, inUse);
    }

    private launchProcess(dep: DeploymentRec, w: WorkerRt, venv?: Venv): void {
        const userEnv = dockerEnv(dep.env);
        // A warm spare already started its interpreter: only when nothing the deployment sets acts at start-up, and
        // the worker needs no venv (the spare runs the plain interpreter).
        const cold = venv !== undefined || Object.keys(userEnv).some((k) => STARTUP_ENV.test(k));
        const spare = cold ? undefined : this.takeSpare();
        const p = spare ?? this.startProcess(`worker-${w.id}`, userEnv, venv);
        w.venv = venv?.dir;
        if (w.dir && w.dir !== p.dir) {
            const old = w.dir;
            void w.exited.then(() => fs.rmSync(old, { recursive: true, force: true }));
        }
        w.dir = p.dir;
        const env = { ...userEnv, ...this.workerEnv(dep, w) };
        for (const k of Object.keys(p.baseEnv)) if (k in userEnv) delete env[k];
        p.worker = w;
        p.proc.stdin?.end(JSON.stringify({ env }) + '\n');
        const which =
            this.o.runtime.kind === 'sdk'
                ? `the SDK's worker (${this.o.runtime.version ?? 'version unknown'})`
                : 'the built-in worker';
        const sandboxed = this.o.sandbox.baseArgs !== undefined;
        this.log(
            w.endpointId,
            `[worker ${w.id}] starting ${which}, ${sandboxed ? 'sandboxed' : 'NOT sandboxed'}, in ${p.dir}${spare ? ' (a warm process: its imports are done)' : ''}`,
        );
        if (this.spareNote) this.log(w.endpointId, `[worker ${w.id}] started cold: ${this.spareNote}`);
        this.spareNote = '';
        w.proc = p.proc;
        w.pid = p.proc.pid;
        w.pgid = p.proc.pid;
        w.stopping = false;
        w.exited = p.exited;
        if (p.failedToStart) this.onSpawnError(w, p.failedToStart);
    }

    /**
     * One worker process, started before (a warm spare) or for its worker. It runs in its own folder and process
     * group; it waits for one JSON line on stdin, the worker it becomes, and everything it says goes to that worker.
     */
    private startProcess(dirName: string, startEnv: Record<string, string> = {}, venv?: Venv): WorkerProcess {
        const dir = path.join(this.o.workRoot, dirName);
        const base = this.o.baseUrl();
        const sdk = this.o.runtime.kind === 'sdk';
        const sandboxed = this.o.sandbox.baseArgs !== undefined;
        // The worker's own `/` (in the sandbox) or its own folder (without): /app, /models/x.bin, /etc/environment.
        const root = path.join(dir, 'root');
        const tmp = path.join(dir, 'tmp');
        fs.rmSync(dir, { recursive: true, force: true });
        for (const d of [root, tmp]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
        fs.chmodSync(dir, 0o700);
        const baseEnv: Record<string, string> = {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: sandboxed ? '/root' : root,
            TMPDIR: sandboxed ? '/tmp' : tmp,
            PYTHONUNBUFFERED: '1',
            PYTHONDONTWRITEBYTECODE: '1',
            LANG: process.env.LANG ?? 'C.UTF-8',
            VAST_API_URL: base,
            REPORT_ADDR: base,
            EMULATOR_ROOT: sandboxed ? '/' : root,
            EMULATOR_APP_DIR: sandboxed ? '/app' : path.join(root, 'app'),
            EMULATOR_SPARE: '1',
        };
        if (sdk) {
            // A Vast container runs the bootstrap with IS_DEPLOYMENT=true (start_server.sh), before `vastai` loads.
            baseEnv.IS_DEPLOYMENT = 'true';
            if (this.o.sdkPath) baseEnv.PYTHONPATH = this.o.sdkPath;
        } else {
            baseEnv.PYTHONPATH = this.o.shimDir;
        }
        if (sandboxed) baseEnv.EMULATOR_SANDBOX = '1';
        if (process.env.SYSTEMROOT) baseEnv.SYSTEMROOT = process.env.SYSTEMROOT;
        if (this.o.allowScripts) baseEnv.EMULATOR_ALLOW_SCRIPTS = '1';
        if (venv) {
            baseEnv.EMULATOR_PIP_VENV = venv.dir;
            // As an activated venv: `python`/`pip` in run steps and the user's subprocesses are the venv's, as a Vast
            // container's python is the one its pip installs went into.
            baseEnv.VIRTUAL_ENV = venv.dir;
            baseEnv.PATH = `${path.dirname(venv.python)}${path.delimiter}${baseEnv.PATH}`;
        }
        const env: NodeJS.ProcessEnv = { ...startEnv, ...baseEnv };
        if (sdk && !this.o.sdkPath) delete env.PYTHONPATH;
        // The worker folder is on the command line (outside the sandbox) so a restarted emulator finds leftovers.
        const python = venv?.python ?? this.o.python;
        const command = sdk
            ? [python, '-u', path.join(this.o.shimDir, 'vast_emulator', 'sdk_worker.py'), dir]
            : [python, '-u', '-m', 'vast_emulator.worker', dir];
        // A venv is read-only at its own path in the sandbox (its python and pyvenv.cfg name that path).
        const reads = [...this.o.runtime.readPaths, this.o.shimDir, ...(venv ? [venv.dir] : [])];
        const argv = sandboxed ? sandboxCommand(this.o.sandbox, root, tmp, reads, command, '/') : command;
        const proc = spawn(argv[0]!, argv.slice(1), {
            cwd: sandboxed ? dir : root,
            env,
            detached: true,
            stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        });
        const p: WorkerProcess = { proc, dir, baseEnv, worker: undefined, exited: Promise.resolve() };
        const say = (line: string) => {
            if (p.worker) this.log(p.worker.endpointId, `[worker ${p.worker.id}] ${line}`);
        };
        for (const stream of [proc.stdout, proc.stderr]) if (stream) createInterface({ input: stream }).on('line', say);
        const control = proc.stdio[3];
        if (control && 'on' in control) {
            createInterface({ input: control as NodeJS.ReadableStream }).on('line', (l) => {
                if (p.worker) this.onControl(p.worker, l);
            });
        }
        proc.stdin?.on('error', () => undefined); // a process that died early: its exit says why
        p.exited = new Promise((resolve) => {
            proc.on('exit', (code, signal) => {
                if (p.worker) this.onExit(p.worker.deploymentId, p.worker, code, signal);
                else this.spareExited(p, code, signal);
                resolve();
            });
            proc.on('error', (err) => {
                p.failedToStart = err.message;
                if (p.worker) this.onSpawnError(p.worker, err.message);
                resolve();
            });
        });
        return p;
    }

    private onSpawnError(w: WorkerRt, message: string): void {
        w.state = 'ERROR';
        w.msg = `could not start ${this.o.python}: ${message}`;
        this.log(w.endpointId, `[worker ${w.id}] ${w.msg}`);
    }

    /** The warm spare, if one is alive; a new one starts in its place. */
    private takeSpare(): WorkerProcess | undefined {
        const p = this.spare;
        this.spare = undefined;
        if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null || p.failedToStart) return undefined;
        return p;
    }

    /**
     * Keeps one process ready (imports done) once deployments are in use, so the next worker starts at its download.
     * Called when a deployment is written (a worker is coming) and when a worker settles (not while one starts: the
     * spare's imports would compete with it for the CPU).
     */
    warmUp(): void {
        if (this.closed || this.spare || this.o.warmSpare === false || this.spareFailures >= MAX_SPARE_FAILURES) return;
        this.spare = this.startProcess(`worker-spare-${randomBytes(6).toString('hex')}`);
    }

    private spareExited(p: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
        if (this.spare === p) this.spare = undefined;
        fs.rmSync(p.dir, { recursive: true, force: true });
        if (this.closed || p.retired) return;
        // A spare that dies on its own (a broken interpreter, out of memory) is not restarted forever; workers then
        // start cold, as they would without spares.
        this.spareFailures++;
        this.spareNote = `a warm worker process exited unused (${signal ? `signal ${signal}` : `code ${code}`})`;
    }

    private onControl(w: WorkerRt, line: string): void {
        let m: { type?: string; state?: WorkerState; msg?: string; port?: number; perf?: number } & Record<
            string,
            unknown
        >;
        try {
            m = JSON.parse(line) as typeof m;
        } catch {
            return;
        }
        if (m.type === 'state' && m.state && !w.stopping) {
            w.state = m.state;
            if (m.msg !== undefined) w.msg = m.msg;
            if (m.state === 'IDLE') {
                w.url = `http://127.0.0.1:${m.port}`;
                w.perf = typeof m.perf === 'number' ? m.perf : 0;
                w.loadedAt = now();
                w.msg = null;
                this.o.onReady(w);
                this.warmUp();
                const dep = this.o.store.deployments.get(w.deploymentId);
                if (dep) this.reconcileUpdateIfNeeded(dep);
            }
        } else if (m.type === 'metrics') {
            w.reqsWorking = typeof m.reqs_working === 'number' ? m.reqs_working : 0;
            w.served = typeof m.served === 'number' ? m.served : w.served;
        }
    }

    /** A `/worker_status/` report from the SDK's worker server (the emulator is its autoscaler). */
    onStatusReport(w: WorkerRt, body: Record<string, unknown>): void {
        if (w.stopping) return;
        const errorMsg = typeof body.error_msg === 'string' ? body.error_msg : '';
        const num = (k: string): number => (typeof body[k] === 'number' ? (body[k] as number) : 0);
        w.reqsWorking = num('num_requests_working');
        if (errorMsg) {
            if (w.state === 'ERROR' && w.msg === errorMsg) return;
            w.state = 'ERROR';
            w.msg = errorMsg;
            this.log(w.endpointId, `[worker ${w.id}] reported an error: ${errorMsg}`);
            // An errored worker serves nothing: stop its process, keep the record (and the message) in ERROR.
            const pid = w.pid;
            w.stopping = true;
            w.url = undefined;
            if (pid !== undefined) killGroup(pid, 'SIGKILL');
            return;
        }
        if (num('loadtime') > 0 && w.state !== 'IDLE' && typeof body.url === 'string') {
            const port = new URL(body.url).port;
            this.onControl(w, JSON.stringify({ type: 'state', state: 'IDLE', port, perf: num('max_perf') }));
        } else if (w.state === 'LOADING' || w.state === 'CREATING') {
            w.state = 'MODEL_LOADING';
        }
    }

    private reconcileUpdateIfNeeded(dep: DeploymentRec): void {
        const stale = this.workersOf(dep.endpoint_id).some(
            (w) => w.versionId !== dep.current_version_id && w.state === 'IDLE' && w.msg === 'update pending',
        );
        if (stale) this.reconcileUpdate(dep);
    }

    private onExit(depId: number, w: WorkerRt, code: number | null, signal: NodeJS.Signals | null): void {
        // Whatever the worker left behind in its process group (run-step children) goes with it.
        if (w.pgid !== undefined) killGroup(w.pgid, 'SIGKILL');
        w.proc = undefined;
        w.pid = undefined;
        w.url = undefined;
        if (w.stopping || this.closed) return;
        const dep = this.o.store.deployments.get(depId);
        if (w.state === 'ERROR') {
            this.log(w.endpointId, `[worker ${w.id}] exited (code ${code}) in ERROR: ${w.msg ?? ''}`);
            return;
        }
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (dep && w.restarts < MAX_RESTARTS) {
            w.restarts++;
            w.state = 'REBOOTING';
            w.msg = `worker process exited (${how}); restarting (${w.restarts}/${MAX_RESTARTS})`;
            this.log(w.endpointId, `[worker ${w.id}] ${w.msg}`);
            setTimeout(() => {
                if (!this.closed && this.workers.has(w.id) && !w.stopping) {
                    w.state = 'CREATING';
                    this.launch(dep, w);
                }
            }, 300);
        } else {
            w.state = 'ERROR';
            w.msg = `worker process exited (${how})`;
            this.log(w.endpointId, `[worker ${w.id}] ${w.msg}`);
        }
    }

    /** Stops one worker's process group; the record stays with `state` unless `remove`. */
    stop(w: WorkerRt, state: WorkerState, remove = false): void {
        w.stopping = true;
        w.state = state;
        w.url = undefined;
        const proc = w.proc;
        if (proc && w.pid !== undefined) {
            killGroup(w.pid, 'SIGTERM');
            const pid = w.pid;
            const t = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
            void w.exited.then(() => {
                clearTimeout(t);
                killGroup(pid, 'SIGKILL'); // children the worker left behind (run steps)
            });
        }
        if (remove) {
            this.workers.delete(w.id);
            void w.exited.then(() => {
                fs.rmSync(w.dir, { recursive: true, force: true });
                // The last worker of an older pip list: its venv goes (the deployment's latest one stays).
                if (w.venv && !this.closed) this.pruneVenvs(w.deploymentId);
            });
        }
    }

    /** Last resort when the host process exits without `close()`: no worker may outlive the emulator. */
    killAllNow(): void {
        this.closed = true;
        this.o.venvs.killAll();
        if (this.spare?.proc.pid !== undefined) killGroup(this.spare.proc.pid, 'SIGKILL');
        for (const w of this.workers.values()) if (w.pgid !== undefined) killGroup(w.pgid, 'SIGKILL');
    }

    /** Stops every worker process (whole process groups) and waits until they are gone. */
    async close(): Promise<void> {
        this.closed = true;
        this.o.venvs.killAll();
        const spare = this.spare;
        this.spare = undefined;
        if (spare) {
            spare.retired = true;
            spare.proc.stdin?.end(); // an unassigned spare exits on end of input
            if (spare.proc.pid !== undefined) killGroup(spare.proc.pid, 'SIGKILL');
            await spare.exited;
        }
        const all = [...this.workers.values()];
        for (const w of all) this.stop(w, 'STOPPED');
        await Promise.all(all.map((w) => w.exited));
        // Wait (briefly) until each process group is empty, so callers can rely on nothing being left running.
        const groups = all.map((w) => w.pgid).filter((g): g is number => g !== undefined);
        for (let i = 0; i < 40 && groups.some(groupAlive); i++) {
            for (const g of groups) killGroup(g, 'SIGKILL');
            await new Promise((r) => setTimeout(r, 25));
        }
        // A sandboxed worker runs in its own session (bwrap --new-session), outside the group killed above, and
        // dies with bwrap only a moment later: sweep whatever still names this emulator's worker folders.
        await stopLeftovers(this.o.workRoot);
    }
}

function groupAlive(pgid: number): boolean {
    try {
        process.kill(-pgid, 0);
        return true;
    } catch {
        return false;
    }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            // already gone
        }
    }
}
