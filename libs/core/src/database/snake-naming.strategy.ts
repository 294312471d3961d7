import { DefaultNamingStrategy, Table } from 'typeorm';

const toSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** camelCase properties, snake_case columns, `<table>_pkey` keys (PostgreSQL's own convention). Tables and indexes are named on the entities. */
export class SnakeNamingStrategy extends DefaultNamingStrategy {
  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return customName ?? toSnake([...prefixes, propertyName].join('_'));
  }

  override primaryKeyName(tableOrName: Table | string): string {
    return `${typeof tableOrName === 'string' ? tableOrName : tableOrName.name}_pkey`;
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return toSnake(`${relationName}_${referencedColumnName}`);
  }
}
