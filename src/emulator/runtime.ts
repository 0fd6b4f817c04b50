/**
 * Which worker runs, and where: the SDK's own worker when the chosen Python can import `vastai.serverless.server`
 * (installed, or from `sdkPath`), else the built-in one; inside a bubblewrap sandbox when bwrap works here.
 * Both are probed once per emulator start.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';

export interface PythonRuntime {
    /** `sdk`: the SDK's bootstrap and worker server; `builtin`: the emulator's stdlib-only stand-in. */
    kind: 'sdk' | 'builtin';
    /** For `sdk`: "vastai <version>, worker server <VERSION>" (the package version when installed). */
    version?: string;
    /** For `builtin`: why the SDK's worker does not run (shown once). */
    reason?: string;
    /** Folders the interpreter reads (prefixes and sys.path), bound read-only into the sandbox. */
    readPaths: string[];
}

export interface SandboxInfo {
    /** The bwrap arguments that worked (`--unshare-user` added only when needed), or undefined without a sandbox. */
    baseArgs?: string[];
    /** Said once at start when there is no sandbox: what that means for local workers. */
    warning?: string;
}

const PROBE = `
import json, os, sys
out = {"paths": [p for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path} if p and os.path.isdir(p)]}
try:
    os.environ["IS_DEPLOYMENT"] = "1"
    import vastai.serverless.server.worker
    import vastai.serverless.remote.serve_deployment
    from vastai.serverless.server.lib.backend import VERSION
    try:
        from importlib.metadata import version
        pkg = "vastai " + version("vastai")
    except Exception:
        pkg = "vastai from " + os.path.dirname(os.path.dirname(vastai.__file__))
    out["sdk"] = pkg + ", worker server " + VERSION
except Exception as e:
    out["error"] = type(e).__name__ + ": " + str(e)
print(json.dumps(out))
`;

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) reject(new Error((stderr || err.message).trim().split('\n').slice(-1)[0]));
            else resolve(stdout);
        });
    });
}

/** Probes the interpreter: can it run the SDK's worker (with `sdkPath` on PYTHONPATH), and what does it read. */
export async function probePython(
    python: string,
    sdkPath: string | undefined,
    mode: 'auto' | 'sdk' | 'builtin',
): Promise<PythonRuntime> {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
    if (sdkPath) env.PYTHONPATH = sdkPath;
    let probe: { paths?: string[]; sdk?: string; error?: string };
    try {
        probe = JSON.parse(await run(python, ['-c', PROBE], env, 20_000)) as typeof probe;
    } catch (e) {
        return { kind: 'builtin', reason: `${python} could not be probed: ${(e as Error).message}`, readPaths: [] };
    }
    const readPaths = (probe.paths ?? []).filter((p) => typeof p === 'string');
    if (sdkPath) readPaths.push(sdkPath);
    if (mode !== 'builtin' && probe.sdk) return { kind: 'sdk', version: probe.sdk, readPaths };
    const reason =
        mode === 'builtin'
            ? 'the built-in worker was asked for'
            : `${python} cannot import vastai.serverless.server (${probe.error ?? 'unknown error'})`;
    if (mode === 'sdk') throw new Error(`The SDK's worker cannot run: ${reason}`);
    return { kind: 'builtin', reason, readPaths };
}

const SANDBOX_BASE = [
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--new-session',
];

/**
 * As root, bwrap keeps every capability: drop them all but those a container's root uses on its own files (a
 * tarball's folders owned by another uid must stay writable, as on Vast). None of them reach outside the sandbox's
 * mounts; CAP_SYS_ADMIN (mounts), CAP_SYS_PTRACE, CAP_NET_ADMIN... are gone.
 */
const ROOT_CAPS = [
    '--cap-drop',
    'ALL',
    ...['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID'].flatMap((c) => ['--cap-add', `CAP_${c}`]),
];

/** Finds whether bubblewrap runs here, as this user (root may need no user namespace; others do). */
export async function probeSandbox(disabled: boolean): Promise<SandboxInfo> {
    const none = (why: string): SandboxInfo => ({
        warning:
            `Workers run WITHOUT a sandbox (${why}). Local workers then run as you, with your files: ` +
            `they can read what you can read (other deployments' folders, the emulator's state folder and its keys), ` +
            `and code that writes to an absolute path (copy(..., "/models/x.bin")) finds it under the worker's ` +
            `folder, not at that path. Install bubblewrap (Debian: apt-get install bubblewrap) to isolate them.`,
    });
    if (disabled) return none('--no-sandbox');
    if (process.platform !== 'linux') return none(`bubblewrap needs Linux, this is ${process.platform}`);
    const bwrap = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].find((p) => fs.existsSync(p));
    if (!bwrap) return none('bwrap is not installed');
    const test = ['--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];
    let lastError = '';
    for (const extra of [[], ['--unshare-user']]) {
        const args = [...SANDBOX_BASE, ...(process.getuid?.() === 0 ? ROOT_CAPS : []), ...extra];
        try {
            await run(bwrap, [...args, ...test], { PATH: '/usr/bin:/bin' }, 10_000);
            return { baseArgs: [bwrap, ...args] };
        } catch (e) {
            lastError = (e as Error).message;
        }
    }
    return none(`bwrap cannot run here: ${lastError}`);
}

/** Top-level entries of `/` a worker sees read-only (system files); everything else in its `/` is its own. */
const SYSTEM_DIRS = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** The few files of /etc a Python program needs (never shadow, sudoers, ssh keys...). */
const ETC_FILES = [
    'passwd',
    'group',
    'hosts',
    'nsswitch.conf',
    'resolv.conf',
    'host.conf',
    'ld.so.cache',
    'ld.so.conf',
    'ld.so.conf.d',
    'localtime',
    'timezone',
    'mime.types',
    'os-release',
    'ssl',
    'ca-certificates',
    'ca-certificates.conf',
    'alternatives',
    'python3',
    'python3.11',
    'python3.12',
    'python3.13',
];

/**
 * The bwrap command for one worker: its own folder `root` is `/` (writable: `/app`, `/models/x.bin` land there),
 * system folders and the interpreter's folders read-only on top, a private `/tmp`, its own /proc and /dev.
 */
export function sandboxCommand(
    sandbox: SandboxInfo,
    root: string,
    tmp: string,
    readPaths: string[],
    command: string[],
    cwd: string,
): string[] {
    const [bwrap, ...base] = sandbox.baseArgs!;
    const args = [...base, '--bind', root, '/'];
    for (const d of SYSTEM_DIRS) {
        const p = `/${d}`;
        let st: fs.Stats;
        try {
            st = fs.lstatSync(p);
        } catch {
            continue;
        }
        if (st.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(p), p);
        else args.push('--ro-bind', p, p);
    }
    for (const f of ETC_FILES) {
        if (fs.existsSync(`/etc/${f}`)) args.push('--ro-bind', `/etc/${f}`, `/etc/${f}`);
    }
    args.push('--proc', '/proc', '--dev', '/dev', '--bind', tmp, '/tmp');
    // After the private /tmp: a folder under /tmp (a state folder's venv, an SDK checkout) stays visible on top of it.
    const covered = (p: string): boolean => SYSTEM_DIRS.some((d) => p === `/${d}` || p.startsWith(`/${d}/`));
    const extra = [...new Set(readPaths)].filter((p) => path0(p) && !covered(p)).sort();
    for (const p of extra) args.push('--ro-bind-try', p, p);
    args.push('--chdir', cwd, '--');
    return [bwrap!, ...args, ...command];
}

/** An absolute path that is not `/` itself nor a folder holding the state (binding it would expose everything). */
function path0(p: string): boolean {
    return p.startsWith('/') && p !== '/' && !['/home', '/root', '/tmp', '/var', '/etc', '/work'].includes(p);
}
