import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

const statements = new WeakMap<EntityMetadata, string>();

/**
 * Inserts many rows of an entity with one statement and ONE parameter, the rows as a JSON array
 * that jsonb_to_recordset unpacks. TypeORM's insert builds, names and escapes a placeholder per
 * column per row, which is most of the CPU of writing a hundred rows at once (an alert group's
 * alerts, their timeline entries and outbox events); here the SQL is built once per entity.
 *
 * For entities of plain columns (uuid, text, numbers, timestamps, jsonb); value transformers
 * apply. Every column is written: a value left undefined is NULL, not the column's default.
 */
export async function insertRows<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  rows: E[],
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(target);
  // A column the database fills (`insert: false`, e.g. a default from the transaction) is left out.
  const columns = metadata.columns.filter((column) => !column.isVirtual && column.isInsert);
  let sql = statements.get(metadata);
  if (!sql) {
    const names = columns.map((column) => `"${column.databaseName}"`).join(', ');
    const types = columns
      .map((column) => {
        const type = manager.connection.driver.normalizeType(column);
        return `"${column.databaseName}" ${type}${column.length ? `(${column.length})` : ''}`;
      })
      .join(', ');
    sql = `INSERT INTO "${metadata.tableName}" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS row (${types})`;
    statements.set(metadata, sql);
  }
  const records = rows.map((row) =>
    Object.fromEntries(
      columns.map((column) => [column.databaseName, column.getEntityValue(row, true) ?? null]),
    ),
  );
  await manager.query(sql, [JSON.stringify(records)]);
}
