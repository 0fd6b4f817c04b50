/**
 * The presigned S3 POST upload (reference §1.1 step 4): multipart/form-data with every `upload_fields` entry first,
 * then the file as field `file` (`application/gzip`). The file is streamed from disk; Content-Length is computed up
 * front because S3 refuses chunked POSTs.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { StreamBody } from './http';

function quote(s: string): string {
    return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r|\n/g, ' ');
}

/** Builds a re-playable streamed multipart body for `filePath`. */
export async function multipartBody(
    fields: Record<string, string>,
    filePath: string,
    onBytes?: (sent: number, total: number) => void,
): Promise<StreamBody> {
    const boundary = `----vastDeployments${randomBytes(12).toString('hex')}`;
    const size = (await fsp.stat(filePath)).size;
    const head = Buffer.from(
        Object.entries(fields)
            .map(
                ([k, v]) =>
                    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(k)}"\r\n\r\n${String(v)}\r\n`,
            )
            .join('') +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(path.basename(filePath))}"` +
            `\r\nContent-Type: application/gzip\r\n\r\n`,
        'utf8',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
    async function* stream(): AsyncIterable<Uint8Array> {
        yield head;
        let sent = 0;
        for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
            sent += (chunk as Buffer).length;
            onBytes?.(sent, size);
            yield chunk as Buffer;
        }
        yield tail;
    }
    return {
        stream,
        contentType: `multipart/form-data; boundary=${boundary}`,
        length: head.length + size + tail.length,
    };
}
