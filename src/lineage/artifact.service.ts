import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog } from '../changes';
import { BadInputError, NotFoundError } from '../common/errors';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database, isUniqueViolation, RetryTransaction } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { ArtifactEntity } from './artifact.entity';
import { addEdge } from './lineage-edges';
import { findNode, NodeRef, parseLineageId } from './lineage-node';
import { RunService } from './run.service';

export interface LogArtifactParams {
  registry: string;
  type: string;
  name: string;
  digest: string;
  uri: string;
  sizeBytes?: number | null;
  metadata?: Record<string, unknown> | null;
  /** Global id of the run that produced it. */
  producedBy?: string | null;
}

export interface UseArtifactParams {
  run: string;
  /** Global id of an Artifact or a ModelVersion. */
  artifact: string;
}

const ARTIFACT_TYPE = /^[a-z][a-z0-9_-]{0,63}$/;
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.\-/:]{0,254}$/;

export class ArtifactService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly runs: RunService,
    private readonly changes: ChangeLog,
  ) {}

  async get(principal: Principal, globalId: string): Promise<ArtifactEntity> {
    const { id } = parseLineageId(globalId, 'artifact', ['ARTIFACT']);
    const artifact = await this.db.manager.findOneBy(ArtifactEntity, { id });
    const registry =
      artifact &&
      (await this.db.manager.findOneBy(RegistryEntity, {
        id: artifact.registryId,
      }));
    if (!artifact || !registry || !(await this.authz.can(principal, 'registry:read', registry)))
      throw new NotFoundError(`Artifact "${globalId}" was not found.`);
    return artifact;
  }

  /** Logs an artifact; the same content (registry, type, name, digest) logged again is the same artifact. */
  async log(caller: Caller, input: LogArtifactParams): Promise<{ artifact: ArtifactEntity; created: boolean }> {
    if (!ARTIFACT_TYPE.test(input.type))
      throw new BadInputError(
        'type must be 1-64 lower-case letters, digits, "_" or "-" (dataset, code, model, …).',
        'type',
      );
    if (!ARTIFACT_NAME.test(input.name))
      throw new BadInputError(
        'name must be 1-255 letters, digits, "_", ".", "-", "/" or ":", starting with a letter or digit.',
        'name',
      );
    const fields = {
      digest: validate.digest(input.digest, 'digest'),
      uri: validate.uri(input.uri, 'uri'),
      sizeBytes: input.sizeBytes == null ? null : validate.sizeBytes(input.sizeBytes, 'sizeBytes'),
      metadata: validate.jsonObject(input.metadata ?? {}, 'metadata'),
    };
    return this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'model:write', registry);
      const producer = input.producedBy ? await this.writableRun(em, caller, input.producedBy) : null;
      const now = new Date();
      let artifact = await em.findOneBy(ArtifactEntity, {
        registryId: registry.id,
        type: input.type,
        name: input.name,
        digest: fields.digest,
      });
      const created = !artifact;
      if (!artifact) {
        artifact = {
          id: uuidv7(),
          registryId: registry.id,
          type: input.type,
          name: input.name,
          ...fields,
          createdBy: caller.principal.subject,
          createdAt: now,
        };
        try {
          await em.insert(ArtifactEntity, artifact);
        } catch (err) {
          if (isUniqueViolation(err)) throw new RetryTransaction('artifact logged concurrently');
          throw err;
        }
        const after = {
          type: artifact.type,
          name: artifact.name,
          digest: artifact.digest,
          uri: artifact.uri,
        };
        await this.changes.record(em, caller, { type: 'artifact.logged', registry, targetId: artifact.id, after }, now);
      }
      if (producer) {
        const added = await addEdge(
          em,
          caller,
          producer,
          { kind: 'ARTIFACT', id: artifact.id, registryId: registry.id },
          'PRODUCED',
          now,
        );
        if (added) {
          await this.changes.record(
            em,
            caller,
            {
              type: 'lineage.produced',
              registry,
              targetId: artifact.id,
              after: { run: producer.id },
            },
            now,
          );
        }
      }
      return { artifact, created };
    });
  }

  /** Records that a run used an artifact or a model version (a USED edge). */
  async use(caller: Caller, input: UseArtifactParams): Promise<{ run: NodeRef; used: NodeRef }> {
    const target = parseLineageId(input.artifact, 'artifact', ['ARTIFACT', 'MODEL_VERSION']);
    return this.db.transaction(async (em) => {
      const run = await this.writableRun(em, caller, input.run);
      const used = await this.readableNode(em, caller.principal, target.kind, target.id, input.artifact);
      const added = await addEdge(em, caller, used, run, 'USED');
      if (added) {
        const after = { used: used.id, kind: used.kind };
        await this.changes.record(em, caller, {
          type: 'lineage.used',
          registry: { id: run.registryId },
          targetId: run.id,
          after,
        });
      }
      return { run, used };
    });
  }

  /** The run, if the caller may write lineage in its registry (reading it is not enough). */
  async writableRun(em: EntityManager, caller: Caller, runGlobalId: string): Promise<NodeRef> {
    const { run, registry } = await this.runs.get(caller.principal, runGlobalId, em);
    await this.authz.require(caller.principal, 'model:write', registry);
    return { kind: 'RUN', id: run.id, registryId: run.registryId };
  }

  private async readableNode(
    em: EntityManager,
    principal: Principal,
    kind: NodeRef['kind'],
    id: string,
    globalId: string,
  ): Promise<NodeRef> {
    const node = await findNode(em, kind, id);
    if (
      !node ||
      !(await this.authz.can(principal, 'registry:read', {
        id: node.registryId,
      }))
    )
      throw new NotFoundError(`"${globalId}" was not found.`);
    return node;
  }
}
