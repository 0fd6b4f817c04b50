/** `package <file.py>`: build the tarball and print what the PUT would carry. Nothing is sent. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_WEBSERVER_URL, resolveAutoscalerUrl } from '../../pipeline/api';
import { buildPackage, putBody, SecretFilesError } from '../../pipeline/packaging';
import { loadDeployment } from '../../pipeline/run';
import { refuseOutOverInput } from '../outPath';
import { CliFailure, COMMON_HELP, emit, oneFile, parse, urlsFrom, type Io } from '../common';

export const PACKAGE_HELP = `Usage: vast-deployments package <file.py> [--deployment NAME] [--out FILE] [--yes] [--json]

Builds the deployment's .tar.gz exactly as the SDK would and prints the PUT body fields (name, tag, image, storage,
file_hash, file_size, search_params, env, autoscaling...). Nothing is sent. Without --out the archive is removed.

Options:
  --deployment NAME   which Deployment of the file (its name= or variable), when there are several
  --out FILE          keep the archive at FILE
  --yes               package files that look like secrets (.env, *.pem, ...) without refusing

${COMMON_HELP}`;

export async function runPackage(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        out: { type: 'string' },
        yes: { type: 'boolean', default: false },
    });
    if (values.help) {
        io.out(PACKAGE_HELP);
        return 0;
    }
    const file = oneFile(positionals, 'package');
    const spec = await loadDeployment(file, values.deployment, { refuseErrors: true });
    const urls = urlsFrom(values, io, spec);
    const webserverUrl = urls.webserverUrl ?? DEFAULT_WEBSERVER_URL;
    const autoscalerUrl = resolveAutoscalerUrl(webserverUrl, urls.autoscalerInstance, urls.autoscalerUrl);
    const out = values.out ? path.resolve(io.cwd, values.out) : undefined;
    if (out) refuseOutOverInput(out, spec);
    let pkg: Awaited<ReturnType<typeof buildPackage>>;
    try {
        pkg = await buildPackage(spec, { outFile: out, allowSecrets: values.yes, signal: io.signal });
    } catch (e) {
        if (e instanceof SecretFilesError) {
            throw new CliFailure(`${e.message}; re-run with --yes to package them anyway`);
        }
        throw e;
    }
    if (!out) fs.rmSync(path.dirname(pkg.filePath), { recursive: true, force: true });
    const body = putBody(spec, pkg.fileHash, pkg.fileSize, { webserverUrl, autoscalerUrl });
    for (const n of pkg.notes) io.err(`note: ${n}`);
    if (pkg.secrets.length > 0) io.err(`warning: packaged files that look like secrets: ${pkg.secrets.join(', ')}`);
    emit(io, values, body, () => [
        ...Object.entries(body).map(([k, v]) => `${k}: ${k === 'docker_login_pass' ? '***' : String(v)}`),
        `entries: ${pkg.entries.length}${out ? ` (archive: ${out})` : ''}`,
    ]);
    return 0;
}
