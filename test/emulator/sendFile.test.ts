/** A blob deleted while its download starts (a teardown or ttl racing a worker's download) never crashes the emulator. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { sendFile } from '../../src/emulator/server';

void test(
    'the download is sent whole from the open descriptor when the path is gone after opening',
    { timeout: 20_000 },
    async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-file-'));
        const file = path.join(dir, 'blob.tar.gz');
        fs.writeFileSync(file, Buffer.alloc(100_000, 7));
        const server = http.createServer((_req, res) => {
            sendFile(res, file);
            // The path goes away as soon as it is opened: only the open descriptor still reaches the bytes.
            const poll = setInterval(() => {
                if (fs.readdirSync(`/proc/self/fd`).some((fd) => safeLink(`/proc/self/fd/${fd}`) === file)) {
                    clearInterval(poll);
                    fs.unlinkSync(file);
                }
            }, 0);
        });
        const crashes: unknown[] = [];
        const onCrash = (e: unknown) => crashes.push(e);
        process.on('uncaughtException', onCrash);
        try {
            await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
            const { port } = server.address() as AddressInfo;
            const body = await new Promise<Buffer>((resolve, reject) => {
                http.get(`http://127.0.0.1:${port}/`, (res) => {
                    const chunks: Buffer[] = [];
                    res.on('data', (c: Buffer) => chunks.push(c));
                    res.on('end', () => resolve(Buffer.concat(chunks)));
                }).on('error', reject);
            });
            assert.ok(body.length === 100_000 || body.length < 200, `whole, or the short 404 body (${body.length})`);
            assert.deepEqual(crashes, []);
        } finally {
            process.off('uncaughtException', onCrash);
            server.close();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    },
);

function safeLink(p: string): string | undefined {
    try {
        return fs.readlinkSync(p);
    } catch {
        return undefined;
    }
}
