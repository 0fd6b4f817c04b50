// Ruff's language server for scripts/bench/analysis.mjs: the same 10,000-line file and edits, over stdio, with ruff's
// default settings. Ruff is pinned (RUFF_VERSION) and installed with pip into a private --target folder under .cache/
// when missing; the bench says so on stderr. Not a module of the product: a bench helper only.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUFF_VERSION = '0.16.9';

/**
 * The ruff executable of the pinned version: $VAST_BENCH_RUFF if set, else `.cache/ruff-<version>/bin/ruff`, installed
 * there first when missing. Returns { path } or { unavailable: reason }.
 */
export function ensureRuff(root, log) {
    if (process.env.VAST_BENCH_RUFF) return checkVersion(process.env.VAST_BENCH_RUFF);
    const target = path.join(root, '.cache', `ruff-${RUFF_VERSION}`);
    const exe = path.join(target, 'bin', 'ruff');
    if (fs.existsSync(exe)) return checkVersion(exe);
    const python = ['python3', '/usr/bin/python3'].find(
        (p) => spawnSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0,
    );
    if (!python) return { unavailable: 'no python3 with pip to install ruff with' };
    log(
        `ruff ${RUFF_VERSION} is not installed for the bench: installing it into ${path.relative(root, target)}/ (pip)`,
    );
    fs.rmSync(target, { recursive: true, force: true });
    const r = spawnSync(
        python,
        ['-m', 'pip', 'install', '--quiet', '--no-deps', '--retries', '1', '--target', target, `ruff==${RUFF_VERSION}`],
        { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 },
    );
    if (r.status !== 0 || !fs.existsSync(exe)) {
        fs.rmSync(target, { recursive: true, force: true });
        return { unavailable: `pip install ruff==${RUFF_VERSION} failed (exit ${r.status ?? r.signal})` };
    }
    return checkVersion(exe);
}

function checkVersion(exe) {
    const r = spawnSync(exe, ['--version'], { encoding: 'utf8' });
    const version = /ruff (\S+)/.exec(r.stdout ?? '')?.[1];
    if (r.status !== 0 || !version) return { unavailable: `${exe} --version failed` };
    if (version !== RUFF_VERSION)
        return { unavailable: `${exe} is ruff ${version}, the bench compares with ${RUFF_VERSION}` };
    return { path: exe, version };
}

/** Spawns `ruff server` (stdio). No initializationOptions and no ruff.toml in its folder: ruff's defaults. */
export function spawnRuffServer(exe, cwd) {
    return spawn(exe, ['server'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, RUFF_TRACE: '' } });
}
