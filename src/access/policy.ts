import fs from 'node:fs';
import path from 'node:path';
import { Enforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { Logger } from '../common/logger';
import { Database } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { RoleBindingEntity } from './role-binding.entity';

/** Where policies/model.conf and policies/policy.csv live, from src/ or from dist/src/. */
export const POLICIES_DIR = [
  path.join(__dirname, '..', '..', 'policies'),
  path.join(__dirname, '..', '..', '..', 'policies'),
].find((d) => fs.existsSync(path.join(d, 'model.conf')))!;

/** The subject every authenticated caller also acts as; ORGANIZATION registries make it a VIEWER. */
export const AUTHENTICATED = '@authenticated';
export const ANY_REGISTRY = '*';

/**
 * The Casbin enforcer and what it is loaded with: the role → permission rules of
 * policies/policy.csv, plus grouping rules built from the database (role bindings, global admins,
 * ORGANIZATION visibility). A reload builds a whole new enforcer and swaps it in, so a request
 * never sees half a policy. Reloads happen after a local change commits, and when polling sees
 * the policy version moved (a change made by another instance).
 */
// Decisions are remembered per loaded policy (see `allows`); past this many, start afresh.
const MAX_REMEMBERED = 100_000;

export class Policy {
  private enforcer!: Enforcer;
  /**
   * Decisions of `enforcer`, made once: a decision is a pure function of the request and the
   * loaded policy, and a reload replaces both maps together with the enforcer (synchronously, so
   * no decision of an old policy outlives it). Resolving 100 federation references of one
   * registry asked Casbin 100 times for the same answer.
   */
  private decisions = new Map<string, boolean>();
  private domainLists = new Map<string, string[]>();
  /**
   * Per registry id, the subjects that hold a role there by a binding of their own (not the
   * implicit ORGANIZATION viewer). Read with `subjectsIn`.
   */
  private bound = new Map<string, Set<string>>();
  private loadedVersion = -1;
  private reloading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly modelText: string;
  private readonly policyText: string;

  constructor(
    private readonly db: Database,
    private readonly globalAdmins: string[],
    private readonly logger: Logger,
    dir = POLICIES_DIR,
  ) {
    this.modelText = fs.readFileSync(path.join(dir, 'model.conf'), 'utf8');
    this.policyText = fs
      .readFileSync(path.join(dir, 'policy.csv'), 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
  }

  async start(pollMs: number): Promise<void> {
    await this.reload();
    this.timer = setInterval(
      () =>
        void this.refreshIfChanged().catch((err) =>
          this.logger.error('policy refresh failed', {
            error: (err as Error).message,
          }),
        ),
      pollMs,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refreshIfChanged(): Promise<void> {
    const row = await this.db.manager.findOneBy(PolicyVersionEntity, { id: 1 });
    if (row && row.version !== this.loadedVersion) await this.reload();
  }

  /**
   * Reloads from the database with a load that starts after this call, never one already under
   * way: that one may have read the bindings before the caller's change committed, and a revoke
   * must hold from the next request.
   */
  reload(): Promise<void> {
    const next = (this.reloading ?? Promise.resolve()).catch(() => undefined).then(() => this.load());
    this.reloading = next;
    void next
      .finally(() => {
        if (this.reloading === next) this.reloading = null;
      })
      .catch(() => undefined);
    return next;
  }

  private async load(): Promise<void> {
    const em = this.db.manager;
    const version = (await em.findOneBy(PolicyVersionEntity, { id: 1 }))?.version ?? 0;
    const [bindings, open] = await Promise.all([
      em.find(RoleBindingEntity, {
        select: { subject: true, role: true, registryId: true },
      }),
      em.find(RegistryEntity, {
        select: { id: true },
        where: { visibility: 'ORGANIZATION' },
      }),
    ]);
    const rules = [
      ...bindings.map((b) => [b.subject, `role:${b.role}`, b.registryId]),
      ...open.map((r) => [AUTHENTICATED, 'role:VIEWER', r.id]),
      ...this.globalAdmins.flatMap((s) => [
        [s, 'role:ADMIN', ANY_REGISTRY],
        [s, 'role:GLOBAL_ADMIN', ANY_REGISTRY],
      ]),
    ];
    const enforcer = await newEnforcer(newModelFromString(this.modelText), new StringAdapter(this.policyText));
    // The database is the store of bindings; the adapter only supplies policy.csv.
    enforcer.enableAutoSave(false);
    if (rules.length) await enforcer.addNamedGroupingPolicies('g', rules);
    const bound = new Map<string, Set<string>>();
    for (const b of bindings) bound.set(b.registryId, (bound.get(b.registryId) ?? new Set()).add(b.subject));
    this.enforcer = enforcer;
    this.bound = bound;
    this.decisions = new Map();
    this.domainLists = new Map();
    this.loadedVersion = version;
  }

  /** True when any of the subjects holds a role in `domain` (a registry id, or `*`) that grants `action`. */
  allows(subjects: string[], domain: string, action: string): boolean {
    return this.subjectsIn(subjects, domain).some((s) => this.decide(s, domain, action));
  }

  /**
   * The subjects a caller acts as in one registry. The ORGANIZATION viewer (`@authenticated`) is
   * the role of a caller the registry has no binding for: a caller bound there (by subject or by
   * group) has exactly the roles bound, so a RESTRICTED_VIEWER binding restricts in an
   * ORGANIZATION registry too, instead of being topped up to VIEWER by the implicit grant.
   */
  private subjectsIn(subjects: string[], domain: string): string[] {
    const bound = this.bound.get(domain);
    if (!bound || !subjects.some((s) => s !== AUTHENTICATED && bound.has(s))) return subjects;
    return subjects.filter((s) => s !== AUTHENTICATED);
  }

  private decide(subject: string, domain: string, action: string): boolean {
    // Registry ids and permission names never hold a newline, so with the subject last the key
    // splits one way only, whatever characters a token's subject holds.
    const key = `${domain}\n${action}\n${subject}`;
    let allowed = this.decisions.get(key);
    if (allowed === undefined) {
      allowed = this.enforcer.enforceSync(subject, domain, action);
      if (this.decisions.size >= MAX_REMEMBERED) this.decisions.clear();
      this.decisions.set(key, allowed);
    }
    return allowed;
  }

  /** Registry ids in which any of the subjects holds a role that grants `action`. */
  domainsAllowing(subjects: string[], action: string): string[] {
    const key = JSON.stringify([subjects, action]);
    let list = this.domainLists.get(key);
    if (!list) {
      const candidates = new Set<string>();
      for (const s of subjects) {
        for (const [, , domain] of this.enforcer.getModel().getFilteredPolicy('g', 'g', 0, s)) {
          if (domain !== ANY_REGISTRY) candidates.add(domain);
        }
      }
      list = [...candidates].filter((domain) => this.allows(subjects, domain, action));
      if (this.domainLists.size >= MAX_REMEMBERED / 10) this.domainLists.clear();
      this.domainLists.set(key, list);
    }
    return [...list];
  }
}
