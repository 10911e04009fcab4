import { EntityManager } from 'typeorm';
import { Caller } from '../access/principal';
import { uuidv7 } from '../common/uuid';
import { isUniqueViolation } from '../db/database';
import { EdgeKind, LineageEdgeEntity } from './lineage-edge.entity';
import { NodeRef } from './lineage-node';

/** Adds an edge inside the caller's transaction; an edge that exists already is left as it is. */
export async function addEdge(
  em: EntityManager,
  caller: Caller,
  from: NodeRef,
  to: NodeRef,
  kind: EdgeKind,
  now = new Date(),
): Promise<boolean> {
  const exists = await em.exists(LineageEdgeEntity, {
    where: { fromId: from.id, toId: to.id, kind },
  });
  if (exists) return false;
  try {
    await em.insert(LineageEdgeEntity, {
      id: uuidv7(),
      fromId: from.id,
      fromKind: from.kind,
      fromRegistryId: from.registryId,
      toId: to.id,
      toKind: to.kind,
      toRegistryId: to.registryId,
      kind,
      createdBy: caller.principal.subject,
      createdAt: now,
    });
    return true;
  } catch (err) {
    // A concurrent request added the same edge: the graph is as asked.
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
