/** A migration class, as TypeORM takes them. */
export type MigrationClass = new () => unknown;

/**
 * The timestamp TypeORM orders a migration by and records it under in `schema_migrations`: the
 * end of its `name` (else its class name), as TypeORM's MigrationExecutor reads it.
 */
export function migrationTimestamp(migration: MigrationClass): { name: string; timestamp: number } {
  const name = (new migration() as { name?: string }).name ?? migration.name;
  const digits = /(\d{13})$/.exec(name)?.[1];
  if (digits === undefined)
    throw new Error(`Migration ${name}: its name must end with a 13-digit JavaScript timestamp`);
  return { name, timestamp: Number(digits) };
}

/**
 * Merges the libs' migration lists into the one list the app runs, in timestamp order (the order
 * TypeORM applies them in, whatever the array's). Refuses, when the migrations are loaded:
 * - a lib's list out of timestamp order: each list is its lib's history, a new migration goes at
 *   its end with a timestamp later than the others;
 * - two migrations with one timestamp, in one lib or two: they would run in no defined order.
 * A migration may depend on a lower lib's tables (releases' foreign keys to catalog's): its later
 * timestamp runs it after them.
 */
export function combineMigrations(lists: Record<string, readonly MigrationClass[]>): MigrationClass[] {
  const byTimestamp = new Map<number, string>();
  const all: { migration: MigrationClass; timestamp: number }[] = [];
  for (const [lib, list] of Object.entries(lists)) {
    let previous: { name: string; timestamp: number } | undefined;
    for (const migration of list) {
      const current = migrationTimestamp(migration);
      const taken = byTimestamp.get(current.timestamp);
      if (taken !== undefined)
        throw new Error(
          `Migrations ${taken} and ${current.name} (${lib}) share the timestamp ${current.timestamp}: ` +
            'give the newer one a later timestamp',
        );
      if (previous && current.timestamp < previous.timestamp)
        throw new Error(
          `migrations/${lib}: ${current.name} is listed after ${previous.name}, which is later; ` +
            "list a lib's migrations in timestamp order, a new one at the end",
        );
      byTimestamp.set(current.timestamp, `${current.name} (${lib})`);
      all.push({ migration, timestamp: current.timestamp });
      previous = current;
    }
  }
  return all.sort((a, b) => a.timestamp - b.timestamp).map(({ migration }) => migration);
}
