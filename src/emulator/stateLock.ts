/**
 * One emulator per state folder. Two emulators on the same folder (two VS Code windows share the extension's global
 * storage; a reloaded browser tab keeps its old extension host alive for a while) would each write their own copy of
 * state.json over the other's, losing acknowledged deploys, and each would stop the other's workers as leftovers.
 * The first one claims the folder with a lock file naming its process and, once listening, its URL and key; the
 * others find it there and use that emulator instead of starting their own.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a running emulator publishes in its state folder's lock (mode 0600, like state.json beside it). */
export interface StateOwner {
    pid: number;
    nonce: string;
    /** Set once the owner listens. */
    url?: string;
    apiKey?: string;
    /** Which worker runs deployments, and its notices (as `EmulatorRuntimeInfo`). */
    workers?: string;
    notes?: string[];
}

/** The state folder belongs to another running emulator: use it (`owner.url`, `owner.apiKey`). */
export class StateInUseError extends Error {
    constructor(
        readonly stateDir: string,
        readonly owner: StateOwner & { url: string },
    ) {
        super(
            `The state folder ${stateDir} is in use by the emulator at ${owner.url} (process ${owner.pid}); ` +
                'use that one, or give another state folder',
        );
        this.name = 'StateInUseError';
    }
}

export interface StateClaim {
    /** Tells the other claimants where this emulator listens. */
    publish(info: Omit<StateOwner, 'pid' | 'nonce'>): void;
    /** Gives the folder up (idempotent; only removes the lock while it is still this claim's). */
    release(): void;
}

/** Folders claimed (or being claimed) by this process: a second emulator in this process must not take them over. */
const claimedHere = new Set<string>();

const LOCK_NAME = 'emulator.lock';
/** How long an owner may take between claiming the folder and listening (probing Python is the slow part). */
const STARTING_GRACE_MS = 30_000;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Claims `stateDir` for this emulator, or throws StateInUseError naming the running owner. A lock whose process is
 * gone (kill -9, a crash) or that does not answer at its URL (its process id was reused) is taken over.
 */
export async function claimStateDir(stateDir: string): Promise<StateClaim> {
    const dir = path.resolve(stateDir);
    const lock = path.join(dir, LOCK_NAME);
    const nonce = randomBytes(8).toString('hex');
    const deadline = Date.now() + STARTING_GRACE_MS;
    for (;;) {
        if (!claimedHere.has(dir)) {
            // Marked before the lock is touched, so a second claimant in this process waits instead of judging
            // this one's fresh lock (naming this very process) stale.
            claimedHere.add(dir);
            let mine = false;
            try {
                if (tryCreate(lock, { pid: process.pid, nonce })) {
                    // Two processes that both found the same stale lock may both have removed it: the last writer
                    // wins, and the other sees it on this re-read and goes round again (finding a starting owner).
                    await sleep(30);
                    mine = readOwner(lock)?.nonce === nonce;
                    if (mine) return claim(dir, lock, nonce);
                    continue;
                }
                const owner = readOwner(lock);
                const verdict = owner ? await judge(owner) : youngLock(lock) ? 'starting' : 'stale';
                if (verdict === 'stale') {
                    removeIf(lock, owner?.nonce);
                    continue;
                }
                if (verdict === 'running') throw new StateInUseError(dir, { ...owner!, url: owner!.url! });
            } finally {
                if (!mine) claimedHere.delete(dir);
            }
        } else {
            // Another emulator of this very process holds it.
            const owner = readOwner(lock);
            if (owner?.pid === process.pid && owner.url) throw new StateInUseError(dir, { ...owner, url: owner.url });
        }
        // Its owner is starting (no URL yet): wait for it.
        if (Date.now() > deadline) {
            throw new Error(
                `The state folder ${dir} is held by a process that has not started its emulator within ` +
                    `${STARTING_GRACE_MS / 1000} s (remove ${lock} if no emulator is running)`,
            );
        }
        await sleep(100);
    }
}

function claim(dir: string, lock: string, nonce: string): StateClaim {
    let released = false;
    return {
        publish(info) {
            if (released) return;
            const tmp = `${lock}.${nonce}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify({ ...info, pid: process.pid, nonce }), { mode: 0o600 });
            fs.renameSync(tmp, lock);
        },
        release() {
            if (released) return;
            released = true;
            claimedHere.delete(dir);
            removeIf(lock, nonce);
        },
    };
}

async function judge(owner: StateOwner): Promise<'running' | 'starting' | 'stale'> {
    // This process's own claims are in `claimedHere`: a lock naming it otherwise was left by an emulator that died.
    if (owner.pid === process.pid || !pidAlive(owner.pid)) return 'stale';
    if (!owner.url) return 'starting';
    return (await answers(owner.url)) ? 'running' : 'stale';
}

/** Any HTTP answer at all: an emulator listens there (a reused pid would not). */
async function answers(url: string): Promise<boolean> {
    try {
        const r = await fetch(new URL('/api/v0/deployments/', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await r.arrayBuffer();
        return true;
    } catch {
        return false;
    }
}

/** An unreadable lock younger than this is being written by its claimant, not garbage. */
function youngLock(lock: string): boolean {
    try {
        return Date.now() - fs.statSync(lock).mtimeMs < 2_000;
    } catch {
        return false;
    }
}

function tryCreate(lock: string, owner: StateOwner): boolean {
    let fd: number;
    try {
        fd = fs.openSync(lock, 'wx', 0o600);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
    }
    try {
        fs.writeSync(fd, JSON.stringify(owner));
    } finally {
        fs.closeSync(fd);
    }
    return true;
}

/** The lock's owner; undefined when there is none or it is unreadable (being written, or garbage: stale). */
function readOwner(lock: string): StateOwner | undefined {
    try {
        const v = JSON.parse(fs.readFileSync(lock, 'utf8')) as Partial<StateOwner>;
        if (typeof v.pid !== 'number' || typeof v.nonce !== 'string') return undefined;
        return v as StateOwner;
    } catch {
        return undefined;
    }
}

/** Whether `owner` still holds `stateDir` (its process lives and the lock is still its own). */
export function stillHolds(stateDir: string, owner: StateOwner): boolean {
    return readOwner(path.join(path.resolve(stateDir), LOCK_NAME))?.nonce === owner.nonce && pidAlive(owner.pid);
}

function removeIf(lock: string, nonce: string | undefined): void {
    const current = readOwner(lock);
    if (current !== undefined && nonce !== undefined && current.nonce !== nonce) return;
    fs.rmSync(lock, { force: true });
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
