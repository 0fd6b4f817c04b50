// The file-system facts the rules ask for (`statPath`, `listFiles` of a copied folder). A file that copies a folder
// is re-checked on every keystroke, and a walk visits up to the rules' limit (2000 files), so folder listings are
// cached, bounded, and dropped when a watched-file event touches the folder. Nothing here throws: a folder that
// cannot be read (deleted meanwhile, permissions) lists as empty, and the rules' own `statPath` reports it missing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PathKind } from '../shared/rules/types';
import { isInside } from './uris';

/** Folders whose listing is kept (least recently used dropped first). */
const MAX_CACHED_DIRS = 64;
/** A listing older than this is walked again even without an event (events can be missed or filtered out). */
const MAX_AGE_MS = 30_000;

interface Listing {
    files: string[];
    /** The limit it was made with: a longer request walks again when this one was cut short. */
    limit: number;
    at: number;
}

export class FileSystemProbe {
    private readonly listings = new Map<string, Listing>();
    /** Off until the client watches files for us: without events a cached listing could go stale unnoticed. */
    cacheEnabled = false;
    /** Walks done (not served from the cache); for tests. */
    walks = 0;

    /** What `p` (absolute) is on disk; anything unreadable is `missing`. */
    statPath(p: string): PathKind {
        try {
            const st = fs.statSync(p);
            return st.isDirectory() ? 'dir' : 'file';
        } catch {
            return 'missing';
        }
    }

    /** Files under `root` (absolute), relative and `/`-separated, at most `limit`. */
    listFiles(root: string, limit: number): string[] {
        const key = path.normalize(root);
        const now = performance.now();
        const hit = this.cacheEnabled ? this.listings.get(key) : undefined;
        if (hit && now - hit.at <= MAX_AGE_MS && (hit.limit >= limit || hit.files.length < hit.limit)) {
            // Re-insert: Map order is the recency order.
            this.listings.delete(key);
            this.listings.set(key, hit);
            return hit.files.slice(0, limit);
        }
        const files = walk(key, limit);
        this.walks++;
        if (this.cacheEnabled) {
            this.listings.delete(key);
            this.listings.set(key, { files, limit, at: now });
            while (this.listings.size > MAX_CACHED_DIRS) {
                const oldest = this.listings.keys().next().value as string;
                this.listings.delete(oldest);
            }
        }
        return files;
    }

    /** Something at `p` (absolute) was created, changed or deleted: drop listings of folders holding it or under it. */
    invalidate(p: string): void {
        for (const dir of [...this.listings.keys()]) {
            if (isInside(dir, p) || isInside(p, dir)) this.listings.delete(dir);
        }
    }

    /** Drops every listing (the exclude settings or the workspace folders changed). */
    clear(): void {
        this.listings.clear();
    }
}

function walk(root: string, limit: number): string[] {
    const out: string[] = [];
    const stack = [''];
    while (stack.length > 0 && out.length < limit) {
        const rel = stack.pop() as string;
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
        } catch {
            // Gone or unreadable: nothing to list there.
            continue;
        }
        for (const e of entries) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) stack.push(r);
            else if (out.length < limit) out.push(r);
        }
    }
    return out;
}
