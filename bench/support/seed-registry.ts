import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '../../src/common/uuid';
import { AliasEventEntity } from '../../src/aliases/alias-event.entity';
import { AliasEntity } from '../../src/aliases/alias.entity';
import { ArtifactEntity } from '../../src/lineage/artifact.entity';
import { LineageEdgeEntity } from '../../src/lineage/lineage-edge.entity';
import { RunEntity } from '../../src/lineage/run.entity';
import { ModelEntity } from '../../src/models/model.entity';
import { RegistryEntity } from '../../src/registry/registry.entity';
import { VersionEntity } from '../../src/versions/version.entity';

/**
 * Seeds one registry the way a busy team's looks after a year: models of 100 versions each, every
 * version with tags, metrics, metadata and the run that produced it (which used one of the
 * registry's datasets and, for fine-tunes, the model's previous version); `latest`, `staging` and
 * `production` on each model, with their history. Rows go in directly, in batches: seeding is
 * not what is measured.
 */
export const VERSIONS_PER_MODEL = 100;
const DATASETS = 50;
const WHO = 'bench-seed';

export interface SeededRegistry {
  registry: RegistryEntity;
  models: ModelEntity[];
  datasets: ArtifactEntity[];
}

const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

async function insertAll<T extends object>(
  em: EntityManager,
  entity: new () => T,
  rows: T[],
  batch = 400,
): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) await em.insert(entity, rows.slice(i, i + batch));
}

export async function createRegistry(em: EntityManager, name: string): Promise<SeededRegistry> {
  const now = new Date();
  const registry: RegistryEntity = {
    id: uuidv7(),
    name,
    description: 'benchmark registry',
    visibility: 'RESTRICTED',
    protectedAliases: ['production'],
    requiredApprovals: 1,
    createdBy: WHO,
    createdAt: now,
    updatedAt: now,
  };
  await em.insert(RegistryEntity, registry);
  const datasets: ArtifactEntity[] = Array.from({ length: DATASETS }, (_, i) => ({
    id: uuidv7(),
    registryId: registry.id,
    type: 'dataset',
    name: `dataset-${i}`,
    digest: digest(`dataset-${i}`),
    uri: `s3://bench/data/${i}`,
    sizeBytes: 1 << 30,
    metadata: { rows: 1_000_000 + i },
    createdBy: WHO,
    createdAt: now,
  }));
  await insertAll(em, ArtifactEntity, datasets);
  return { registry, models: [], datasets };
}

/** Adds `count` models of VERSIONS_PER_MODEL versions each. */
export async function addModels(em: EntityManager, seeded: SeededRegistry, count: number): Promise<void> {
  const { registry, datasets } = seeded;
  const start = seeded.models.length;
  for (let m = start; m < start + count; m++) {
    const t0 = Date.now() - VERSIONS_PER_MODEL * 60_000;
    const model: ModelEntity = {
      id: uuidv7(),
      registryId: registry.id,
      name: `model-${m}`,
      description: `Benchmark model ${m}`,
      tags: ['bench', `family-${m % 10}`],
      nextVersionNumber: VERSIONS_PER_MODEL,
      revision: 0,
      createdBy: WHO,
      createdAt: new Date(t0),
      updatedAt: new Date(),
      archivedAt: null,
    };
    const versions: VersionEntity[] = [];
    const runs: RunEntity[] = [];
    const edges: LineageEdgeEntity[] = [];
    const edge = (
      fromKind: LineageEdgeEntity['fromKind'],
      fromId: string,
      toKind: LineageEdgeEntity['toKind'],
      toId: string,
      kind: LineageEdgeEntity['kind'],
      at: Date,
    ) =>
      edges.push({
        id: uuidv7(),
        fromId,
        fromKind,
        fromRegistryId: registry.id,
        toId,
        toKind,
        toRegistryId: registry.id,
        kind,
        createdBy: WHO,
        createdAt: at,
      });
    for (let n = 0; n < VERSIONS_PER_MODEL; n++) {
      const at = new Date(t0 + n * 60_000);
      const run: RunEntity = {
        id: uuidv7(),
        registryId: registry.id,
        name: `train-${m}-${n}`,
        externalId: `wandb/bench/${m}-${n}`,
        config: { lr: 0.001 * (1 + (n % 5)), epochs: 10 },
        metrics: { loss: 1 / (n + 1) },
        status: 'FINISHED',
        startedAt: at,
        finishedAt: at,
        createdBy: WHO,
        createdAt: at,
        updatedAt: at,
      };
      const version: VersionEntity = {
        id: uuidv7(),
        modelId: model.id,
        number: n,
        artifactUri: `s3://bench/models/${m}/${n}/model.safetensors`,
        artifactDigest: digest(`${m}/${n}`),
        artifactSizeBytes: 100_000_000 + n,
        artifactFiles: [],
        metadata: {
          framework: 'pytorch',
          commit: digest(`c${m}${n}`).slice(7, 19),
        },
        metrics: {
          accuracy: 0.8 + n / 1000,
          f1: 0.7 + n / 2000,
          loss: 1 / (n + 1),
        },
        tags: n % 10 === 0 ? ['candidate', 'reviewed'] : ['nightly'],
        description: `nightly build ${n}`,
        idempotencyKey: null,
        createdBy: WHO,
        createdAt: at,
        updatedAt: at,
        archivedAt: null,
        downloadCount: 0,
      };
      runs.push(run);
      versions.push(version);
      edge('ARTIFACT', datasets[(m + n) % DATASETS].id, 'RUN', run.id, 'USED', at);
      if (n > 0) edge('MODEL_VERSION', versions[n - 1].id, 'RUN', run.id, 'USED', at);
      edge('RUN', run.id, 'MODEL_VERSION', version.id, 'PRODUCED', at);
    }
    const now = new Date();
    const pointers: [string, number][] = [
      ['latest', VERSIONS_PER_MODEL - 1],
      ['staging', VERSIONS_PER_MODEL - 2],
      ['production', VERSIONS_PER_MODEL - 10],
    ];
    const aliases: AliasEntity[] = pointers.map(([name, n]) => ({
      id: uuidv7(),
      modelId: model.id,
      name,
      versionId: versions[n].id,
      updatedBy: WHO,
      updatedAt: now,
    }));
    const events: AliasEventEntity[] = pointers.map(([name, n]) => ({
      id: uuidv7(),
      modelId: model.id,
      alias: name,
      fromVersionId: null,
      fromVersionNumber: null,
      toVersionId: versions[n].id,
      toVersionNumber: versions[n].number,
      actor: WHO,
      at: now,
      reason: 'seed',
      requestId: null,
    }));
    await em.transaction(async (tx) => {
      await tx.insert(ModelEntity, model);
      await insertAll(tx, RunEntity, runs);
      await insertAll(tx, VersionEntity, versions);
      await insertAll(tx, LineageEdgeEntity, edges);
      await insertAll(tx, AliasEntity, aliases);
      await insertAll(tx, AliasEventEntity, events);
    });
    seeded.models.push(model);
  }
}
