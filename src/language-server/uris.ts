// URIs arrive from clients in slightly different spellings (`file:///a%20b` vs `file:///a b`, drive letters...).
// Files are keyed by their file-system path so an open document and the indexed copy of it are the same entry.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A stable key for a document URI: the normalised path for `file:` URIs, the URI itself otherwise. */
export function uriKey(uri: string): string {
    const p = uriToPath(uri);
    return p ?? uri;
}

/** The file-system path of a `file:` URI, or undefined for other schemes or malformed URIs. */
export function uriToPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
        return path.normalize(fileURLToPath(uri));
    } catch {
        return undefined;
    }
}

/** The `file:` URI of a path. */
export function pathToUri(p: string): string {
    return pathToFileURL(p).href;
}

/** True when `child` is `parent` or inside it (both paths). */
export function isInside(parent: string, child: string): boolean {
    const rel = path.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
