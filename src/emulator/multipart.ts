/**
 * A streaming reader of an S3-style presigned POST (`multipart/form-data`: fields first, then `file`). Fields are
 * kept (bounded); when the `file` part starts, `onFile` sees the fields and either refuses or names a sink and a
 * byte limit; the file's bytes are streamed there with backpressure, never held in memory.
 */
import type { IncomingMessage } from 'node:http';

export interface FileSink {
    /** Most bytes accepted; one more fails the upload with `tooLarge`. */
    max: number;
    /** Writes a chunk; resolves when the sink can take more. */
    write(chunk: Buffer): Promise<void>;
}

export type MultipartOutcome<R> =
    | { kind: 'done'; size: number }
    | { kind: 'refused'; reply: R }
    | { kind: 'tooLarge' }
    | { kind: 'malformed'; why: string }
    | { kind: 'noFile' };

const MAX_FIELDS_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;

export function boundaryOf(contentType: string | undefined): string | undefined {
    if (!/^multipart\/form-data/i.test(contentType ?? '')) return undefined;
    const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Reads the form up to the end of the `file` part. `onFile` returns a sink, or a reply that refuses the upload
 * (then nothing of the file is read).
 */
export async function readMultipart<R>(
    req: AsyncIterable<Buffer> & Pick<IncomingMessage, 'headers'>,
    boundary: string,
    onFile: (fields: Map<string, string>) => Promise<FileSink | { refuse: R }>,
): Promise<MultipartOutcome<R>> {
    // A leading CRLF makes the first delimiter look like every other one.
    const delim = Buffer.from(`\r\n--${boundary}`);
    let buf: Buffer = Buffer.from('\r\n');
    let state: 'preamble' | 'afterDelim' | 'headers' | 'field' | 'file' = 'preamble';
    const fields = new Map<string, string>();
    let fieldsBytes = 0;
    let fieldName = '';
    let fieldChunks: Buffer[] = [];
    let sink: FileSink | undefined;
    let fileSize = 0;

    const take = async (data: Buffer): Promise<MultipartOutcome<R> | undefined> => {
        if (state === 'field') {
            fieldsBytes += data.length;
            if (fieldsBytes > MAX_FIELDS_BYTES) return { kind: 'malformed', why: 'the form fields are too large' };
            fieldChunks.push(data);
        } else if (state === 'file' && data.length > 0) {
            fileSize += data.length;
            if (fileSize > sink!.max) return { kind: 'tooLarge' };
            await sink!.write(data);
        }
        return undefined;
    };

    const step = async (): Promise<MultipartOutcome<R> | 'more' | undefined> => {
        if (state === 'preamble' || state === 'field' || state === 'file') {
            const at = buf.indexOf(delim);
            if (at < 0) {
                // Keep what could be the start of a delimiter; the rest is content.
                const keep = Math.min(buf.length, delim.length - 1);
                if (state !== 'preamble') {
                    const out = await take(buf.subarray(0, buf.length - keep));
                    if (out) return out;
                } else if (buf.length > MAX_HEADER_BYTES) {
                    return { kind: 'malformed', why: 'no form boundary' };
                }
                buf = buf.subarray(buf.length - keep);
                return 'more';
            }
            if (state !== 'preamble') {
                const out = await take(buf.subarray(0, at));
                if (out) return out;
            }
            if (state === 'field') fields.set(fieldName, Buffer.concat(fieldChunks).toString('utf8'));
            if (state === 'file') return { kind: 'done', size: fileSize };
            buf = buf.subarray(at + delim.length);
            state = 'afterDelim';
            return undefined;
        }
        if (state === 'afterDelim') {
            if (buf.length < 2) return 'more';
            if (buf.subarray(0, 2).toString() === '--') return { kind: 'noFile' };
            const eol = buf.indexOf('\r\n');
            if (eol < 0) {
                return buf.length > MAX_HEADER_BYTES ? { kind: 'malformed', why: 'bad boundary line' } : 'more';
            }
            buf = buf.subarray(eol + 2);
            state = 'headers';
            return undefined;
        }
        // headers
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
            return buf.length > MAX_HEADER_BYTES ? { kind: 'malformed', why: 'part headers too large' } : 'more';
        }
        const headers = buf.subarray(0, end).toString('utf8');
        buf = buf.subarray(end + 4);
        const disp = /content-disposition:[^\r\n]*?\bname="([^"]*)"/i.exec(headers);
        if (!disp) return { kind: 'malformed', why: 'a part has no name' };
        if (disp[1] === 'file') {
            const chosen = await onFile(fields);
            if ('refuse' in chosen) return { kind: 'refused', reply: chosen.refuse };
            sink = chosen;
            state = 'file';
        } else {
            fieldName = disp[1]!;
            fieldChunks = [];
            state = 'field';
        }
        return undefined;
    };

    for await (const chunk of req) {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        for (;;) {
            const r = await step();
            if (r === 'more') break;
            if (r) return r;
        }
    }
    const ended: string = state;
    return ended === 'file' || ended === 'field'
        ? { kind: 'malformed', why: 'the body ended inside a part' }
        : { kind: 'noFile' };
}
