/**
 * The presigned store: `POST /__s3/vast-deployments` (multipart form, like an S3 presigned POST: fields first, then
 * `file`) and `GET /__s3/vast-deployments/<key>?X-Amz-Expires=..&X-Amz-Signature=..` (download). No API key, as
 * with S3; the policy signature and expiry are checked. Errors are S3-style XML.
 */
import type { EmulatorCore } from './core';
import type { Reply } from './http';
import { now } from './state';
import { readTarGz, sdkHashOfEntries, TarballError } from './tarball';

const xml = (status: number, code: string, message: string): Reply => ({
    status,
    contentType: 'application/xml',
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});

interface Part {
    name: string;
    filename?: string;
    data: Buffer;
}

function parseMultipart(body: Buffer, contentType: string | undefined): Part[] | undefined {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    if (!m || !/^multipart\/form-data/i.test(contentType ?? '')) return undefined;
    const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
    const parts: Part[] = [];
    let pos = body.indexOf(boundary);
    while (pos >= 0) {
        const start = pos + boundary.length;
        if (body.subarray(start, start + 2).toString() === '--') break;
        const next = body.indexOf(boundary, start);
        if (next < 0) return undefined;
        const chunk = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before the next one
        const sep = chunk.indexOf('\r\n\r\n');
        if (sep < 0) return undefined;
        const headers = chunk.subarray(0, sep).toString('utf8');
        const disp = /content-disposition:[^\r\n]*?\bname="([^"]*)"(?:[^\r\n]*?\bfilename="([^"]*)")?/i.exec(headers);
        if (!disp) return undefined;
        parts.push({ name: disp[1]!, filename: disp[2], data: chunk.subarray(sep + 4) });
        pos = next;
    }
    return parts;
}

export function uploadBlob(core: EmulatorCore, body: Buffer, contentType: string | undefined): Reply {
    const parts = parseMultipart(body, contentType);
    if (!parts) {
        return xml(
            400,
            'MalformedPOSTRequest',
            'The body of your POST request is not well-formed multipart/form-data.',
        );
    }
    const fileIdx = parts.findIndex((p) => p.name === 'file');
    if (fileIdx < 0) return xml(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    const fields = new Map(parts.slice(0, fileIdx).map((p) => [p.name, p.data.toString('utf8')]));
    const policy = fields.get('policy');
    const key = fields.get('key');
    if (!policy || !key || fields.get('x-amz-signature') !== core.hmac(policy)) {
        return xml(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed');
    }
    let conditions: unknown[];
    let expiration: string;
    try {
        ({ conditions, expiration } = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as {
            conditions: unknown[];
            expiration: string;
        });
    } catch {
        return xml(403, 'AccessDenied', 'Invalid Policy: Invalid JSON.');
    }
    if (Date.parse(expiration) < Date.now()) {
        return xml(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    }
    if (!conditions.some((c) => JSON.stringify(c) === JSON.stringify({ key }))) {
        return xml(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]');
    }
    const version = [...core.store.versions.values()].find((v) => v.s3_key === key);
    if (!version || version.status === 'evicted') return xml(403, 'AccessDenied', 'Access Denied');
    const file = parts[fileIdx]!.data;
    if (file.length < version.file_size) {
        return xml(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    }
    if (file.length > version.file_size) {
        return xml(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    let hash: string;
    try {
        hash = sdkHashOfEntries(readTarGz(file));
    } catch (e) {
        const why = e instanceof TarballError ? e.message : 'unreadable tarball';
        return xml(400, 'BadDigest', `The uploaded content is not a deployment tarball: ${why}.`);
    }
    if (hash !== version.file_hash) {
        return xml(400, 'BadDigest', 'The SDK hash of the uploaded content did not match file_hash.');
    }
    version.blob = core.store.putBlob(file);
    version.status = 'uploaded';
    const dep = core.store.deployments.get(version.deployment_id);
    if (dep && (dep.current_version_id === null || version.id > dep.current_version_id)) {
        dep.current_version_id = version.id;
        if (version.action === 'hard_update') core.workers.restartAll(dep);
        else core.workers.reconcile(dep);
    }
    core.store.changed();
    return { status: 204, empty: true };
}

export function downloadUrl(core: EmulatorCore, s3Key: string): string {
    const expires = Math.floor(now()) + 3600;
    const sig = core.hmac(`${s3Key}\n${expires}`);
    return `${core.baseUrl}/__s3/vast-deployments/${s3Key}?X-Amz-Expires=${expires}&X-Amz-Signature=${sig}`;
}

export function downloadBlob(core: EmulatorCore, s3Key: string, query: URLSearchParams): Reply | Buffer {
    const expires = Number(query.get('X-Amz-Expires'));
    if (!(expires > now()) || query.get('X-Amz-Signature') !== core.hmac(`${s3Key}\n${expires}`)) {
        return xml(403, 'AccessDenied', 'Request has expired or the signature does not match');
    }
    const v = [...core.store.versions.values()].find((x) => x.s3_key === s3Key);
    const data = v?.blob ? core.store.blob(v.blob) : undefined;
    return data ?? xml(404, 'NoSuchKey', 'The specified key does not exist.');
}
