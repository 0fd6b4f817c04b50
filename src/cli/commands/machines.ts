/** `machines`: how many machines match a deployment's requirements right now, and what its workers would cost. */
import type { VastClient } from '../../pipeline/api';
import { loadDeployment, marketInput, searchMachines, type MarketResult } from '../../pipeline/run';
import type { DeploymentSpec } from '../../pipeline/packaging';
import { marketLine } from '../../shared/market/summary';
import { COMMON_HELP, emit, makeClient, oneFile, parse, type Io } from '../common';

export const MACHINES_HELP = `Usage: vast-deployments machines <file.py> [--deployment NAME] [--json]

Searches the offers the way \`vastai search offers\` does (POST /api/v0/bundles/, cheapest first) with the
deployment's own search_params and storage, and prints how many machines match right now, the price per hour of
one worker and of max_workers workers. Nothing matching means workers would never start. The local emulator
answers from a synthetic market: its prices are labelled "synthetic prices".

${COMMON_HELP}`;

/** The machines line(s) for a plan; a failed search is reported, never fatal to the plan. */
export async function machinesForPlan(
    client: VastClient,
    spec: DeploymentSpec,
    signal: AbortSignal,
): Promise<{ result?: MarketResult; lines: string[] }> {
    try {
        const result = await searchMachines(client, marketInput(spec), { signal });
        return { result, lines: machineLines(result) };
    } catch (e) {
        if (signal.aborted) throw e;
        return { lines: [`machines: could not search offers: ${(e as Error).message}`] };
    }
}

export function machineLines(r: MarketResult): string[] {
    const lines = [`machines: ${marketLine(r)}`];
    if (r.gpus.length > 0) lines.push(`  cheapest GPUs: ${r.gpus.join(', ')}`);
    if (r.ignoredFields.length > 0) {
        lines.push(`  not in the synthetic market (not filtered): ${r.ignoredFields.join(', ')}`);
    }
    return lines;
}

export async function runMachines(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, { deployment: { type: 'string' } });
    if (values.help) {
        io.out(MACHINES_HELP);
        return 0;
    }
    const spec = await loadDeployment(oneFile(positionals, 'machines'), values.deployment);
    const client = makeClient(values, io, spec);
    const r = await searchMachines(client, marketInput(spec), { signal: io.signal });
    emit(io, values, r, () => [
        `${spec.name} (tag ${spec.tag}): search_params ${spec.searchParams}`,
        ...machineLines(r),
    ]);
    return 0;
}
