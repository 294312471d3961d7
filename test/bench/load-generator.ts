/**
 * The benchmark's load generator when it runs in its own process (see `childProcessLoad` in
 * load.ts): receives `{ id, request }` over IPC, answers `{ id, result }` or `{ id, error }`.
 */
import { LoadRequest, runLoad } from './load';

process.on('message', (message: { id: number; request: LoadRequest }) => {
  runLoad(message.request).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
// The parent going away closes the IPC channel; nothing is left to measure.
process.on('disconnect', () => process.exit(0));
