/** A throwaway CA and a 127.0.0.1 server certificate signed by it (openssl), standing in for Vast's worker CA. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCerts {
    caPem: string;
    caDer: Buffer;
    key: string;
    cert: string;
}

export function makeCerts(): TestCerts {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-certs-'));
    const p = (f: string) => path.join(dir, f);
    const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        p('ca.key'),
        '-out',
        p('ca.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=Test Vast Root',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
    );
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('s.key'), '-out', p('s.csr'), '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run(
        'x509',
        '-req',
        '-in',
        p('s.csr'),
        '-CA',
        p('ca.pem'),
        '-CAkey',
        p('ca.key'),
        '-CAcreateserial',
        '-out',
        p('s.pem'),
        '-days',
        '2',
        '-extfile',
        p('ext.cnf'),
    );
    const caDer = run('x509', '-in', p('ca.pem'), '-outform', 'DER');
    const out = {
        caPem: fs.readFileSync(p('ca.pem'), 'utf8'),
        caDer,
        key: fs.readFileSync(p('s.key'), 'utf8'),
        cert: fs.readFileSync(p('s.pem'), 'utf8'),
    };
    fs.rmSync(dir, { recursive: true, force: true });
    return out;
}
