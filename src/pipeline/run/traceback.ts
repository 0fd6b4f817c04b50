/**
 * Worker tracebacks mapped to the user's files: the worker runs the file as `deployment.py` (a package as
 * `deployment/`), with the same lines, so `File "/app/deployment.py", line 9` is the user's `app.py:9`.
 */
import * as path from 'node:path';

export interface SourceLocation {
    file: string;
    line: number;
}

export interface MappedTraceback {
    /** The text with every worker path of the deployment replaced by the user's path. */
    text: string;
    /** The deepest frame in the user's code (where it raised), if any. */
    location?: SourceLocation;
}

const FRAME = /File "([^"]+)", line (\d+)/g;

/** The user's path for a worker path, or undefined when the frame is not the deployment's code. */
export function userPathFor(workerPath: string, userFile: string): string | undefined {
    const p = workerPath.replace(/\\/g, '/');
    const single = /(?:^|\/)deployment\.py$/.exec(p);
    const isPackage = path.basename(userFile) === '__init__.py';
    if (single && !isPackage) return userFile;
    const inPackage = /(?:^|\/)deployment\/(.+\.py)$/.exec(p);
    if (inPackage && isPackage) return path.join(path.dirname(userFile), inPackage[1]!);
    return undefined;
}

/** Rewrites the deployment's worker paths in `text` to `userFile` (as given: absolute or relative). */
export function mapTraceback(text: string, userFile: string): MappedTraceback {
    let location: SourceLocation | undefined;
    const mapped = text.replace(FRAME, (whole, file: string, line: string) => {
        const user = userPathFor(file, userFile);
        if (!user) return whole;
        location = { file: user, line: Number(line) };
        return `File "${user}", line ${line}`;
    });
    return { text: mapped, location };
}

/** The folder a deployment's paths are shown relative to: the file's folder (a package's parent). */
export function deploymentBase(userFile: string): string {
    const dir = path.dirname(userFile);
    return path.basename(userFile) === '__init__.py' ? path.dirname(dir) : dir;
}

/** `app.py:9` for messages: the path relative to `base` when inside it. */
export function formatLocation(loc: SourceLocation, base?: string): string {
    const rel = base ? path.relative(base, loc.file) : loc.file;
    const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : loc.file;
    return `${shown}:${loc.line}`;
}

/** The `ExcClass: message` line that ends a traceback (the most useful single line). */
export function lastExceptionLine(text: string): string | undefined {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const tb = lines.findIndex((l) => l.startsWith('Traceback (most recent call last):'));
    if (tb < 0) return undefined;
    return [...lines].reverse().find((l) => EXCEPTION_LINE.test(l));
}

const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b/;
