import { v7 } from 'uuid';

/** UUIDv7: time-ordered, so primary keys double as keyset tie-breakers and index inserts stay local. */
export function newId(): string {
  return v7();
}
