/**
 * Reading a deployment's .py file the way Python would, with one-line reasons: the type is checked before the file
 * is opened (opening a FIFO for reading waits for a writer, forever), the size is bounded, and the bytes are decoded
 * under Python's own rules (UTF-8 unless a coding cookie says otherwise; no NUL byte).
 */
import * as fs from 'node:fs';
import { sourceBytesProblem, type SourceBytesProblem } from '../../shared/rules/source';

/** Larger sources are refused: no hand-written deployment file comes near, and analysis time grows with size. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** The file cannot be read as a source; the message is one line naming the file. */
export class SourceFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'SourceFileError';
    }
}

/** A readable source: its text (bytes decoded, invalid ones replaced) and why Python would refuse it, if it would. */
export interface SourceFile {
    text: string;
    bytes: Buffer;
    problem?: SourceBytesProblem;
}

/** The one-line reason for a failed stat or open of `file`. */
export function fileErrorReason(file: string, err: unknown): string {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    switch (code) {
        case 'ENOENT':
            return `${file}: no such file`;
        case 'ENOTDIR':
            return `${file}: a parent of this path is not a folder`;
        case 'ELOOP':
            return `${file}: a symbolic link loop (the link points back at itself)`;
        case 'EACCES':
        case 'EPERM':
            return `${file}: permission denied`;
        case 'EISDIR':
            return `${file}: is a folder, not a file`;
        default:
            return `${file}: cannot be read (${(err as Error | undefined)?.message ?? String(err)})`;
    }
}

/** What kind of thing a non-regular file is, for messages. */
export function kindOf(st: fs.Stats): string {
    if (st.isDirectory()) return 'a folder';
    if (st.isFIFO()) return 'a named pipe (FIFO)';
    if (st.isSocket()) return 'a socket';
    if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
    return 'not a regular file';
}

/** Reads `file` (following symlinks) if it is a regular file of bounded size; never blocks on a FIFO or device. */
export function readSourceFile(file: string): SourceFile {
    const bytes = readRegularFile(file, MAX_SOURCE_BYTES, `${MAX_SOURCE_BYTES / 1024 / 1024} MB`);
    const problem = sourceBytesProblem(bytes);
    const text = new TextDecoder('utf-8').decode(bytes);
    return problem ? { text, bytes, problem } : { text, bytes };
}

/**
 * The bytes of `file` (following symlinks) when it is a regular file of at most `maxBytes` (`limit` names that size
 * in messages); never blocks on a FIFO or device. Throws SourceFileError with a one-line reason.
 */
export function readRegularFile(file: string, maxBytes: number, limit: string): Buffer {
    let st: fs.Stats;
    try {
        st = fs.statSync(file);
    } catch (err) {
        throw new SourceFileError(fileErrorReason(file, err));
    }
    if (!st.isFile()) {
        const kind = kindOf(st);
        throw new SourceFileError(`${file}: is ${kind}${kind === 'a folder' ? '' : ', not a regular file'}`);
    }
    if (st.size > maxBytes) throw new SourceFileError(`${file}: ${st.size} bytes, over the ${limit} limit`);
    try {
        // O_NONBLOCK: if the path became a FIFO since the stat, the open returns instead of waiting for a writer.
        const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        try {
            const again = fs.fstatSync(fd);
            if (!again.isFile()) throw new SourceFileError(`${file}: is ${kindOf(again)}, not a regular file`);
            const bytes = Buffer.alloc(Math.min(again.size, maxBytes));
            let off = 0;
            while (off < bytes.length) {
                const n = fs.readSync(fd, bytes, off, bytes.length - off, off);
                if (n === 0) break;
                off += n;
            }
            return bytes.subarray(0, off);
        } finally {
            fs.closeSync(fd);
        }
    } catch (err) {
        if (err instanceof SourceFileError) throw err;
        throw new SourceFileError(fileErrorReason(file, err));
    }
}
