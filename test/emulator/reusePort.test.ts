/**
 * The embedded emulator listens on its state folder's last port (reusePort). The SDK writes the service's URLs into
 * each deployment's env, so a restart on a new port turned the next deploy of an unchanged deployment into a hard
 * update that restarted its workers; Vast's URLs never change.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { startEmulator } from '../../src/emulator';
import { tmpDir } from './helpers';

void describe('emulator: the port of the last run', () => {
    void test('a restart on the same state folder listens on the same port; a taken port falls back to a free one', async () => {
        const state = tmpDir('reuse-port-');
        const first = await startEmulator({ stateDir: state, port: 0, reusePort: true });
        const port = first.port;
        await first.stop();
        const second = await startEmulator({ stateDir: state, port: 0, reusePort: true });
        try {
            assert.equal(second.port, port);
        } finally {
            await second.stop();
        }

        // Another program took it meanwhile: the emulator still starts, elsewhere, and remembers that port next.
        const squatter = createServer();
        await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
        let fallback: number;
        try {
            const third = await startEmulator({ stateDir: state, port: 0, reusePort: true });
            fallback = third.port;
            await third.stop();
            assert.notEqual(fallback, port);
        } finally {
            await new Promise((resolve) => squatter.close(resolve));
        }
        const fourth = await startEmulator({ stateDir: state, port: 0, reusePort: true });
        try {
            assert.equal(fourth.port, fallback);
        } finally {
            await fourth.stop();
        }
    });
});
