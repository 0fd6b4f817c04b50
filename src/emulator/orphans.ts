/**
 * Leftover workers of an emulator that died without stopping them (kill -9): found by their command line, which
 * names their folder under this state's `workers/`, and stopped before new ones start beside them.
 */
import * as fs from 'node:fs';

/** PIDs of processes whose command line mentions `workRoot/worker-` (bwrap, a worker, a run step it started). */
export function findLeftovers(workRoot: string): number[] {
    if (process.platform !== 'linux') return [];
    const needle = Buffer.from(`${workRoot.replace(/\/+$/, '')}/worker-`);
    const found: number[] = [];
    let entries: string[];
    try {
        entries = fs.readdirSync('/proc');
    } catch {
        return [];
    }
    for (const e of entries) {
        if (!/^\d+$/.test(e)) continue;
        const pid = Number(e);
        if (pid === process.pid) continue;
        try {
            if (fs.readFileSync(`/proc/${e}/cmdline`).includes(needle)) found.push(pid);
        } catch {
            // gone meanwhile, or not ours to read
        }
    }
    return found;
}

/** Stops every leftover (its process group too); returns how many there were. */
export async function stopLeftovers(workRoot: string): Promise<number> {
    const pids = findLeftovers(workRoot);
    for (const pid of pids) {
        for (const target of [-pid, pid]) {
            try {
                process.kill(target, 'SIGKILL');
            } catch {
                // not a group leader, or already gone
            }
        }
    }
    for (let i = 0; i < 40 && findLeftovers(workRoot).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    return pids.length;
}
