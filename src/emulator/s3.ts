/**
 * The presigned store: `POST /__s3/vast-deployments` (multipart form, like an S3 presigned POST: fields first, then
 * `file`) and `GET /__s3/vast-deployments/<key>?X-Amz-Expires=..&X-Amz-Signature=..` (download). No API key, as
 * with S3; the policy (signature, expiry, key, exact size) is what decides, as on S3. The upload streams to disk;
 * the archive is then read off the request path (uploadCheck.ts) within the deployment's `storage` and a time
 * budget. A content hash that differs from `file_hash` is a warning in the deployment's log, never a refusal.
 * Errors are S3-style XML.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { EmulatorCore } from './core';
import type { Reply } from './http';
import { boundaryOf, readMultipart } from './multipart';
import { now, type VersionRec } from './state';
import { checkUpload, defaultBudgetMs, MAX_ENTRIES } from './uploadCheck';

const xml = (status: number, code: string, message: string): Reply => ({
    status,
    contentType: 'application/xml',
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`,
});

const escapeXml = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** The version a presigned POST's fields may write, or the S3 refusal. */
function versionForPolicy(core: EmulatorCore, fields: Map<string, string>): { signed: VersionRec } | { refuse: Reply } {
    const policy = fields.get('policy');
    const key = fields.get('key');
    if (!policy || !key || fields.get('x-amz-signature') !== core.hmac(policy)) {
        return { refuse: xml(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed') };
    }
    let conditions: unknown[];
    let expiration: string;
    try {
        ({ conditions, expiration } = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as {
            conditions: unknown[];
            expiration: string;
        });
    } catch {
        return { refuse: xml(403, 'AccessDenied', 'Invalid Policy: Invalid JSON.') };
    }
    if (Date.parse(expiration) < Date.now()) {
        return { refuse: xml(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.') };
    }
    if (!conditions.some((c) => JSON.stringify(c) === JSON.stringify({ key }))) {
        return {
            refuse: xml(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]'),
        };
    }
    const range = conditions.find((c) => Array.isArray(c) && c[0] === 'content-length-range') as
        [string, number, number] | undefined;
    const version = [...core.store.versions.values()].find((v) => v.s3_key === key);
    if (!version || version.status === 'evicted' || !range) {
        return { refuse: xml(403, 'AccessDenied', 'Access Denied') };
    }
    // The size the policy was signed for (a later PUT may have asked for another size under a new policy).
    return { signed: { ...version, file_size: range[2] } };
}

export async function uploadBlob(core: EmulatorCore, raw: IncomingMessage): Promise<Reply> {
    const boundary = boundaryOf(raw.headers['content-type']);
    if (!boundary) {
        return xml(
            400,
            'MalformedPOSTRequest',
            'The body of your POST request is not well-formed multipart/form-data.',
        );
    }
    let signed: VersionRec | undefined;
    let incoming: fs.promises.FileHandle | undefined;
    const tmp = core.store.incomingPath();
    const sha = createHash('sha256');
    try {
        const outcome = await readMultipart<Reply>(raw, boundary, async (fields) => {
            const v = versionForPolicy(core, fields);
            if ('refuse' in v) return v;
            signed = v.signed;
            const max = v.signed.file_size;
            incoming = await fs.promises.open(tmp, 'wx', 0o600);
            const fh = incoming;
            return {
                max,
                write: async (chunk) => {
                    sha.update(chunk);
                    await fh.write(chunk);
                },
            };
        });
        switch (outcome.kind) {
            case 'refused':
                return outcome.reply;
            case 'malformed':
                return xml(
                    400,
                    'MalformedPOSTRequest',
                    `The body of your POST request is not well-formed: ${outcome.why}.`,
                );
            case 'noFile':
                return xml(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
            case 'tooLarge':
                return xml(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
            case 'done':
                if (outcome.size < signed!.file_size) {
                    return xml(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
                }
        }
        await incoming!.sync();
        await incoming!.close();
        incoming = undefined;
        return await storeUpload(core, signed!, tmp, sha.digest('hex'));
    } finally {
        await incoming?.close();
        fs.rmSync(tmp, { force: true });
        // Whatever the client still sends is read and dropped (never buffered).
        if (!raw.complete) raw.resume();
    }
}

/** Reads the stored upload off the request path, then makes it the version's blob. */
async function storeUpload(core: EmulatorCore, signed: VersionRec, tmp: string, blobSha: string): Promise<Reply> {
    const dep = core.store.deployments.get(signed.deployment_id);
    const storageBytes = Math.round((dep?.storage ?? 50) * 1e9);
    const check = await checkUpload(
        tmp,
        { maxUnpackedBytes: storageBytes, maxEntries: MAX_ENTRIES },
        core.options.uploadCheckBudgetMs ?? defaultBudgetMs(signed.file_size),
    );
    if (!check.ok) {
        const why = `The uploaded deployment tarball was refused: ${check.message}`;
        switch (check.problem) {
            case 'too_big':
                return xml(
                    400,
                    'EntityTooLarge',
                    `${why}, beyond the deployment's storage (storage=${dep?.storage ?? 50} GB).`,
                );
            case 'busy':
                return xml(503, 'SlowDown', `${why}. Try again in a moment.`);
            case 'timeout':
                return xml(400, 'RequestTimeout', `${why}.`);
            default:
                return xml(400, 'InvalidArgument', `${why}.`);
        }
    }
    // The version may have been deleted or evicted while the check ran.
    const version = core.store.versions.get(signed.id);
    if (!version || version.status === 'evicted' || !dep || !core.store.deployments.has(dep.id)) {
        return xml(403, 'AccessDenied', 'Access Denied');
    }
    const recomputed = check.hash;
    if ('why' in recomputed) {
        core.workers.log(dep.endpoint_id, `[upload] warning: the SDK hash could not be recomputed: ${recomputed.why}`);
    } else if (recomputed.hash !== version.file_hash) {
        core.workers.log(
            dep.endpoint_id,
            `[upload] warning: the uploaded content hashes to ${recomputed.hash}, not the file_hash ${version.file_hash} the PUT declared (stored anyway, as Vast does)`,
        );
    }
    version.blob = core.store.adoptBlob(tmp, blobSha);
    version.status = 'uploaded';
    if (dep.current_version_id === null || version.id > dep.current_version_id) {
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

/** The stored file to stream back, or the S3 refusal. */
export function downloadBlob(core: EmulatorCore, s3Key: string, query: URLSearchParams): Reply | { file: string } {
    const expires = Number(query.get('X-Amz-Expires'));
    if (!(expires > now()) || query.get('X-Amz-Signature') !== core.hmac(`${s3Key}\n${expires}`)) {
        return xml(403, 'AccessDenied', 'Request has expired or the signature does not match');
    }
    const v = [...core.store.versions.values()].find((x) => x.s3_key === s3Key);
    const file = v?.blob ? core.store.blobPath(v.blob) : undefined;
    return file ? { file } : xml(404, 'NoSuchKey', 'The specified key does not exist.');
}
