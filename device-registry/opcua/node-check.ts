/**
 * The mapping checked against the live station when a session is made: each node must exist, carry a
 * value the metric can take (its DataType attribute), and state the contract's unit when it states one
 * (its EngineeringUnits property, OPC UA Part 8 §5.3.2 — read once here, not on every value). A node that
 * fails is a per-node OPCUA_MAPPING_INVALID and is not monitored; the station's other nodes are.
 */
import { AttributeIds, makeBrowsePath, type ClientSession } from 'node-opcua-client';
import { getContract } from '../../firmware-contracts/index.js';
import { dataTypeProblem, unitProblem } from './node-values.js';
import type { NodeMapping } from './source.js';

export interface NodeCheck {
  /** Why the node cannot feed its metric, or null. */
  problem: string | null;
  /** The station's unit (EngineeringUnits display name), when it states one. */
  unit: string | null;
}

interface EUInformationLike {
  unitId?: number;
  displayName?: { text?: string | null };
}

/** One entry per mapping entry, in order. Three service calls for the whole mapping. */
export async function checkNodes(session: ClientSession, kind: string, mapping: readonly NodeMapping[]): Promise<NodeCheck[]> {
  const specs = getContract(kind)?.metrics ?? [];
  const types = await session.read(mapping.map((m) => ({ nodeId: m.nodeId, attributeId: AttributeIds.DataType })));
  const paths = await session.translateBrowsePath(mapping.map((m) => makeBrowsePath(m.nodeId, '.EngineeringUnits')));
  const euTargets = paths.map((p) => (p.statusCode.isGood() ? p.targets?.[0]?.targetId : undefined));
  const found = euTargets.flatMap((t, i) => (t === undefined ? [] : [{ i, nodeId: t }]));
  const euValues = found.length === 0 ? [] : await session.read(found.map((f) => ({ nodeId: f.nodeId, attributeId: AttributeIds.Value })));
  const eus = new Map(found.map((f, k) => [f.i, euValues[k]?.value.value as EUInformationLike | null | undefined]));
  return mapping.map((m, i) => {
    const spec = specs.find((s) => s.name === m.metric);
    const type = types[i];
    if (type === undefined || !type.statusCode.isGood()) {
      return { problem: `node does not exist on the station or cannot be read (${type?.statusCode.name ?? 'no answer'})`, unit: null };
    }
    const eu = eus.get(i);
    const unit = eu?.displayName?.text ?? null;
    if (spec === undefined) return { problem: null, unit };
    const id = type.value.value as { namespace: number; value: number | string } | null;
    const typeError = id === null ? 'node has no data type' : dataTypeProblem(id.namespace, id.value, spec);
    const unitError = eu ? unitProblem(spec.unit, { unitId: eu.unitId ?? 0, displayName: unit ?? '' }) : null;
    return { problem: typeError ?? unitError, unit };
  });
}
