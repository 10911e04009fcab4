import { EntityManager } from 'typeorm';
import { ChangeLog } from '../changes';
import { uuidv7 } from '../common/uuid';
import { RegistryEntity } from '../registry/registry.entity';
import { Caller } from './principal';
import { Role, RoleBindingEntity } from './role-binding.entity';

/**
 * Adds or replaces a binding inside the caller's transaction and records it (role.granted);
 * returns the role it replaced. RoleService.grant and RegistryService.create (the creator's ADMIN
 * binding) both write through here.
 */
export async function insertBinding(
  em: EntityManager,
  changes: ChangeLog,
  caller: Caller,
  registry: RegistryEntity,
  subject: string,
  role: Role,
  now: Date,
): Promise<Role | null> {
  const existing = await em.findOneBy(RoleBindingEntity, {
    registryId: registry.id,
    subject,
  });
  const grant = { role, grantedBy: caller.principal.subject, grantedAt: now };
  if (existing) {
    await em.update(RoleBindingEntity, { id: existing.id }, grant);
  } else {
    await em.insert(RoleBindingEntity, {
      id: uuidv7(),
      registryId: registry.id,
      subject,
      ...grant,
    });
  }
  await changes.record(
    em,
    caller,
    {
      type: 'role.granted',
      registry,
      targetId: registry.id,
      before: existing ? { subject, role: existing.role } : null,
      after: { subject, role },
      data: { subject, role, previousRole: existing?.role ?? null },
    },
    now,
  );
  return existing?.role ?? null;
}
