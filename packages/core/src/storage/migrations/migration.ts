import type { Knex } from 'knex';

/**
 * One step of the schema. Migrations are TypeScript objects in an ordered list rather than
 * files knex scans for, so they survive bundling (tsup) and need no file system at run time.
 * `up` runs inside a transaction; write it with knex's schema builder so that the same
 * step works on SQLite and PostgreSQL.
 */
export interface Migration {
  /** `NNNN_what`: the number fixes the order; once released, a name never changes. */
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Hands knex our list instead of a directory. */
export class ListMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: readonly Migration[]) {}

  getMigrations(): Promise<Migration[]> {
    return Promise.resolve([...this.migrations]);
  }

  getMigrationName(migration: Migration): string {
    return migration.name;
  }

  getMigration(migration: Migration): Promise<Knex.Migration> {
    return Promise.resolve({ up: (knex) => migration.up(knex), down: (knex) => migration.down(knex) });
  }
}

/** Refuses a list whose names are duplicated or out of order: knex would apply it silently in list order. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  const names = migrations.map((migration) => migration.name);
  for (const [index, name] of names.entries()) {
    if (!/^\d{4}_[a-z0-9_]+$/.test(name)) throw new Error(`Migration name "${name}" must look like 0001_what_it_does`);
    const previous = names[index - 1];
    if (previous !== undefined && previous >= name) {
      throw new Error(`Migrations out of order: "${previous}" comes before "${name}"`);
    }
  }
}
