import { EntityManager } from 'typeorm';
import { fromGlobalId, NodeType, toGlobalId } from '../common/global-id';
import { BadInputError } from '../common/errors';
import { ModelEntity } from '../models/model.entity';
import { VersionEntity } from '../versions/version.entity';
import { ArtifactEntity } from './artifact.entity';
import { NodeKind } from './lineage-edge.entity';
import { RunEntity } from './run.entity';

/** A lineage node as stored on an edge: its kind, its raw id and the registry it lives in. */
export interface NodeRef {
  kind: NodeKind;
  id: string;
  registryId: string;
}

const TYPE_OF_KIND: Record<NodeKind, NodeType> = {
  RUN: 'Run',
  ARTIFACT: 'Artifact',
  MODEL_VERSION: 'ModelVersion',
};
const KIND_OF_TYPE: Partial<Record<NodeType, NodeKind>> = {
  Run: 'RUN',
  Artifact: 'ARTIFACT',
  ModelVersion: 'MODEL_VERSION',
};

/** How a lineage node is named in graphs and Mermaid: run name, `type:name`, `registry/model:vN`. */
export const lineageName = {
  run: (r: { name: string }) => r.name,
  artifact: (a: { type: string; name: string }) => `${a.type}:${a.name}`,
  version: (registry: string, model: string, number: number) => `${registry}/${model}:v${number}`,
};

export const globalIdOf = (ref: { kind: NodeKind; id: string }) => toGlobalId(TYPE_OF_KIND[ref.kind], ref.id);

export function parseLineageId(
  globalId: string,
  field: string,
  allowed: NodeKind[] = ['RUN', 'ARTIFACT', 'MODEL_VERSION'],
): { kind: NodeKind; id: string } {
  const { type, id } = fromGlobalId(globalId);
  const kind = KIND_OF_TYPE[type];
  if (!kind || !allowed.includes(kind)) {
    throw new BadInputError(
      `"${globalId}" is not the id of a ${allowed.map((k) => TYPE_OF_KIND[k]).join(' or ')}.`,
      field,
    );
  }
  return { kind, id };
}

/** Finds a node and its registry, or null. One statement. */
export async function findNode(em: EntityManager, kind: NodeKind, id: string): Promise<NodeRef | null> {
  if (kind === 'RUN') {
    const run = await em.findOne(RunEntity, {
      where: { id },
      select: { id: true, registryId: true },
    });
    return run && { kind, id, registryId: run.registryId };
  }
  if (kind === 'ARTIFACT') {
    const artifact = await em.findOne(ArtifactEntity, {
      where: { id },
      select: { id: true, registryId: true },
    });
    return artifact && { kind, id, registryId: artifact.registryId };
  }
  const row = await em
    .getRepository(VersionEntity)
    .createQueryBuilder('v')
    .innerJoin(ModelEntity, 'm', 'm.id = v.modelId')
    .select('m.registryId', 'registryId')
    .where('v.id = :id', { id })
    .getRawOne<{ registryId: string }>();
  return row ? { kind, id, registryId: row.registryId } : null;
}
