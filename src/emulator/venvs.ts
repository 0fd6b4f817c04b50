/**
 * Per-deployment virtual environments for `pip_install(...)` packages, when the emulator is allowed to install them
 * (`allowPip`, `--allow-pip`). A Vast worker runs `uv pip install <packages>` in its container; locally the
 * packages go into a venv made from the chosen interpreter with `--system-site-packages` (the SDK and the user's
 * installed packages stay visible), and the worker runs with that venv's python.
 *
 * pip runs before the worker's sandbox, as the emulator's user, with the emulator's environment: the user's pip
 * configuration, index credentials, proxy, cache and find-links folders are what `pip install` in their terminal
 * would use, none of which the sandbox shows. The deployment's own code never runs there; a package's build step
 * (an sdist's setup.py) does, which is why the setting is off by default and needs a trusted workspace.
 *
 * A venv is cached per deployment, keyed by its pip list and the interpreter: a code-only update reuses it, another
 * pip list gets a new one, a teardown deletes them. When the pip list names files shipped in the deployment
 * (`./pkg`, `-r requirements.txt`), pip runs where those files are unpacked, as on a worker, and their content is
 * part of the key (pipSources.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Parser, type ReadEntry } from 'tar';
import { hashEntries, selectSources, stageSources, type LocalSources } from './pipSources';

/** How long creating a venv and installing its packages may take, unless told otherwise. */
export const DEFAULT_PIP_TIMEOUT_MS = 10 * 60_000;
const READY = '.vast-ready';
/** A pip output line kept in the log is cut here (a progress line or a compiler dump can be huge). */
const MAX_LINE = 2000;

export interface VenvOptions {
    python: string;
    /** Folder holding the venvs (`<state>/venvs`). */
    root: string;
    timeoutMs?: number;
}

export interface Venv {
    dir: string;
    /** The venv's interpreter, which the worker runs with. */
    python: string;
    /** False when the venv was already there (same pip list and interpreter). */
    installed: boolean;
}

/** What the chosen interpreter is: the cache key, whether it has pip, its site folders when it is itself a venv. */
interface BaseInterpreter {
    executable: string;
    version: string;
    hasPip: boolean;
    /** Set when the interpreter is a venv: `--system-site-packages` alone would see its base's packages only. */
    parentSites: string[];
}

const PROBE =
    'import importlib.util, json, site, sys\n' +
    'print(json.dumps({"executable": sys.executable, "version": sys.version, ' +
    '"hasPip": importlib.util.find_spec("pip") is not None, ' +
    '"parentSites": site.getsitepackages() if sys.prefix != sys.base_prefix else []}))';

export class Venvs {
    private base: Promise<BaseInterpreter> | undefined;
    private readonly pending = new Map<string, Promise<Venv>>();
    /** Running venv/pip processes per deployment (killed on teardown and close). */
    private readonly procs = new Map<number, Set<ChildProcess>>();
    /** The venv each deployment asked for last: kept when older ones are pruned. */
    private readonly latest = new Map<number, string>();
    /** Deployments torn down (ids are never reused): an install of theirs still in flight stops. */
    private readonly removed = new Set<number>();
    /** Per stored tarball (content-addressed): its files' hashes, read once. */
    private readonly scanned = new Map<string, Promise<Map<string, string>>>();

    constructor(private readonly o: VenvOptions) {}

    /**
     * The venv for this deployment's pip list, created and installed when missing (`log` gets pip's output). `blob`
     * is the stored tarball: pip arguments naming its files are installed from them.
     */
    ensure(depId: number, packages: string[], log: (line: string) => void, blob?: string): Promise<Venv> {
        return Promise.all([this.baseInterpreter(), this.localSources(packages, blob)]).then(([base, local]) => {
            const key = createHash('sha256')
                .update(JSON.stringify([base.executable, base.version, packages, ...(local ? [local.digest] : [])]))
                .digest('hex')
                .slice(0, 16);
            const dir = path.join(this.o.root, `dep-${depId}-${key}`);
            this.latest.set(depId, dir);
            const python = venvPython(dir);
            if (fs.existsSync(path.join(dir, READY))) return { dir, python, installed: false };
            const running = this.pending.get(dir);
            if (running) {
                log('[pip] waiting for the install another worker of this deployment started');
                return running;
            }
            const source = local && blob ? { blob, local } : undefined;
            const p = this.create(depId, dir, base, packages, log, source).finally(() => this.pending.delete(dir));
            this.pending.set(dir, p);
            return p;
        });
    }

    private localSources(packages: string[], blob: string | undefined): Promise<LocalSources | undefined> {
        if (!blob) return Promise.resolve(undefined);
        let entries = this.scanned.get(blob);
        if (!entries) {
            if (this.scanned.size >= 64) this.scanned.clear(); // tarballs come and go: keep the memo small
            entries = hashEntries(blob);
            this.scanned.set(blob, entries);
            entries.catch(() => this.scanned.delete(blob));
        }
        return entries.then((e) => selectSources(packages, e));
    }

    /** Removes this deployment's venvs except `keep` and the one it asked for last. */
    prune(depId: number, keep: Set<string>): void {
        const latest = this.latest.get(depId);
        for (const dir of this.dirsOf(depId)) {
            if (dir !== latest && !keep.has(dir) && !this.pending.has(dir)) {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    }

    /** Teardown: stops a running install and deletes every venv of the deployment. */
    remove(depId: number): void {
        this.removed.add(depId);
        this.latest.delete(depId);
        for (const p of this.procs.get(depId) ?? []) killGroup(p);
        for (const dir of this.dirsOf(depId)) fs.rmSync(dir, { recursive: true, force: true });
    }

    /** At start: venvs of deployments that no longer exist go. */
    removeAllBut(deploymentIds: Set<number>): void {
        let names: string[];
        try {
            names = fs.readdirSync(this.o.root);
        } catch {
            return;
        }
        for (const n of names) {
            const m = /^dep-(\d+)-/.exec(n);
            if (!m || !deploymentIds.has(Number(m[1]))) {
                fs.rmSync(path.join(this.o.root, n), { recursive: true, force: true });
            }
        }
    }

    killAll(): void {
        for (const set of this.procs.values()) for (const p of set) killGroup(p);
    }

    private dirsOf(depId: number): string[] {
        try {
            return fs
                .readdirSync(this.o.root)
                .filter((n) => n.startsWith(`dep-${depId}-`))
                .map((n) => path.join(this.o.root, n));
        } catch {
            return [];
        }
    }

    private baseInterpreter(): Promise<BaseInterpreter> {
        this.base ??= new Promise<BaseInterpreter>((resolve, reject) => {
            const out: Buffer[] = [];
            const p = spawn(this.o.python, ['-c', PROBE], { env: pipEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
            p.stdout.on('data', (b: Buffer) => out.push(b));
            p.on('error', (e) => reject(new Error(`cannot run ${this.o.python}: ${e.message}`)));
            p.on('exit', (code) => {
                try {
                    resolve(JSON.parse(Buffer.concat(out).toString()) as BaseInterpreter);
                } catch {
                    reject(new Error(`${this.o.python} could not be probed for a virtual environment (exit ${code})`));
                }
            });
        });
        this.base.catch(() => (this.base = undefined));
        return this.base;
    }

    private async create(
        depId: number,
        dir: string,
        base: BaseInterpreter,
        packages: string[],
        log: (line: string) => void,
        source?: { blob: string; local: LocalSources },
    ): Promise<Venv> {
        const started = Date.now();
        const deadline = started + (this.o.timeoutMs ?? DEFAULT_PIP_TIMEOUT_MS);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(this.o.root, { recursive: true, mode: 0o700 });
        try {
            log(`[pip] creating a virtual environment for ${packages.join(' ')} (${base.executable}) in ${dir}`);
            // The interpreter's own pip serves the venv (it sees system site-packages): ensurepip would add ~9 s.
            const venvArgs = ['-m', 'venv', '--system-site-packages', ...(base.hasPip ? ['--without-pip'] : []), dir];
            await this.run(depId, this.o.python, venvArgs, deadline, log, 'creating the virtual environment');
            if (base.parentSites.length > 0) writeParentSites(dir, base.parentSites);
            const python = venvPython(dir);
            // As on a worker: pip runs where the deployment is unpacked (`/app` there), so `./pkg` is its files.
            // They stay in the venv (bound read-only in the sandbox): an editable install points at them.
            let cwd: string | undefined;
            if (source) {
                cwd = path.join(dir, 'app');
                await stageSources(source.blob, source.local.files, cwd);
                log(`[pip] unpacked ${source.local.files.length} file(s) of the deployment for pip in ${cwd}`);
            }
            log(`[pip] pip install ${packages.join(' ')}`);
            await this.run(
                depId,
                python,
                ['-m', 'pip', 'install', ...packages],
                deadline,
                log,
                `pip install ${packages.join(' ')}`,
                cwd,
            );
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            fs.writeFileSync(path.join(dir, READY), JSON.stringify({ packages, python: base.executable }) + '\n');
            log(
                `[pip] installed ${packages.join(' ')} in ${seconds} s; the deployment's workers reuse this environment until its pip list changes`,
            );
            return { dir, python, installed: true };
        } catch (e) {
            fs.rmSync(dir, { recursive: true, force: true });
            throw e;
        }
    }

    /** Runs one step, its output line by line to the log, killed at the deadline; rejects with pip's reason. */
    private run(
        depId: number,
        file: string,
        args: string[],
        deadline: number,
        log: (line: string) => void,
        what: string,
        cwd?: string,
    ): Promise<void> {
        const tornDown = (): Error => new Error(`${what} stopped: the deployment was torn down`);
        if (this.removed.has(depId)) return Promise.reject(tornDown());
        return new Promise((resolve, reject) => {
            const p = spawn(file, args, { cwd, env: pipEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
            let set = this.procs.get(depId);
            if (!set) this.procs.set(depId, (set = new Set()));
            set.add(p);
            const errors: string[] = [];
            const tail: string[] = [];
            const onLine = (raw: string): void => {
                const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
                log(`[pip] ${line}`);
                if (/^ERROR:/.test(line)) errors.push(line);
                if (errors.length > 20) errors.shift();
                tail.push(line);
                if (tail.length > 5) tail.shift();
            };
            for (const s of [p.stdout, p.stderr]) createInterface({ input: s }).on('line', onLine);
            let timedOut = false;
            const timer = setTimeout(
                () => {
                    timedOut = true;
                    killGroup(p);
                },
                Math.max(0, deadline - Date.now()),
            );
            p.on('error', (e) => {
                clearTimeout(timer);
                set.delete(p);
                reject(new Error(`${what} failed: cannot run ${file}: ${e.message}`));
            });
            p.on('close', (code, signal) => {
                clearTimeout(timer);
                set.delete(p);
                if (this.removed.has(depId)) return reject(tornDown());
                if (code === 0) return resolve();
                const limit = Number(((this.o.timeoutMs ?? DEFAULT_PIP_TIMEOUT_MS) / 1000).toPrecision(3));
                if (timedOut) return reject(new Error(`${what} timed out after ${limit} s (the emulator's limit)`));
                // First line: the package and pip's last word on it (the toast shows it); then every ERROR line.
                const how = signal ? `signal ${signal}` : `exit code ${code}`;
                const lines = errors.length > 0 ? errors : tail;
                const reason = (lines[lines.length - 1] ?? 'no output').replace(/^ERROR:\s*/, '');
                reject(new Error(`${what} failed (${how}): ${reason}\n${lines.join('\n')}`));
            });
        });
    }
}

/** The `pip_installs` of a stored tarball's `./config.json` (its first entry); reads no further than that. */
export function readPipInstalls(file: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
        const input = fs.createReadStream(file);
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (err: Error | undefined, value: string[] = []): void => {
            if (done) return;
            done = true;
            input.destroy();
            if (err) reject(err);
            else resolve(value);
        };
        const parser = new Parser({
            onReadEntry: (e: ReadEntry) => {
                if (done) return e.resume();
                // Not the SDK's layout: the worker says what is wrong with it; nothing to install here.
                if (e.path !== './config.json' || e.type !== 'File') return finish(undefined);
                e.on('data', (b: Buffer) => {
                    size += b.length;
                    if (size > 1 << 20) finish(new Error('config.json is larger than 1 MiB'));
                    else chunks.push(b);
                });
                e.on('end', () => {
                    try {
                        finish(undefined, pipList(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
                    } catch (err) {
                        finish(err instanceof Error ? err : new Error(String(err)));
                    }
                });
            },
        });
        parser.on('error', (e: Error) => finish(new Error(`the tarball cannot be read: ${e.message}`)));
        parser.on('end', () => finish(undefined));
        input.on('error', (e) => finish(e));
        input.pipe(parser);
    });
}

function pipList(config: unknown): string[] {
    const list = (config as { pip_installs?: unknown } | null)?.pip_installs ?? [];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
        throw new Error('config.json: pip_installs is not a list of strings');
    }
    return list as string[];
}

function venvPython(dir: string): string {
    return process.platform === 'win32' ? path.join(dir, 'Scripts', 'python.exe') : path.join(dir, 'bin', 'python');
}

/** The chosen interpreter is a venv itself: its packages stay visible through a .pth file in the new one. */
function writeParentSites(dir: string, sites: string[]): void {
    const lib = process.platform === 'win32' ? [path.join(dir, 'Lib')] : [path.join(dir, 'lib')];
    for (const l of lib) {
        const pys = l.endsWith('Lib') ? [''] : fs.readdirSync(l).filter((n) => n.startsWith('python'));
        for (const py of pys) {
            const site = path.join(l, py, 'site-packages');
            if (fs.existsSync(site)) {
                fs.writeFileSync(path.join(site, '_vast_parent_interpreter.pth'), sites.join('\n') + '\n');
            }
        }
    }
}

/** pip gets the emulator's environment (PIP_* settings, proxies, HOME for its config and cache), minus Vast keys. */
function pipEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PIP_NO_INPUT: '1', PYTHONUNBUFFERED: '1' };
    for (const k of Object.keys(env)) if (k.startsWith('VAST_')) delete env[k];
    return env;
}

function killGroup(p: ChildProcess): void {
    if (p.pid === undefined) return;
    try {
        process.kill(-p.pid, 'SIGKILL');
    } catch {
        p.kill('SIGKILL');
    }
}
