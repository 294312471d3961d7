import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, systemActor, Transactions } from '@opsplane/core';
import { ComplianceConfig } from '../compliance.config';
import { ControlsService } from './controls.service';
import { STARTER_CONTROLS } from './starter-library';

/** The name the load is recorded under (a later library would be another row). */
const LIBRARY = 'starter-v1';
/** Serialises processes starting at once: only one loads. */
const LOAD_LOCK = 'compliance:starter-library';

/**
 * Loads the starter library (starter-library.ts) on the first start of an install, once: the
 * load is recorded in `compliance_library_loads` in the same transaction as the controls, so a
 * control edited, disabled or renamed later is never loaded again, and processes starting
 * together load it once. Every control is created as `system:compliance`, audited like any other.
 */
@Injectable()
export class StarterLibraryLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(StarterLibraryLoader.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly controls: ControlsService,
    private readonly config: ComplianceConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.loadStarterLibrary) return;
    const loaded = await this.load();
    if (loaded > 0) this.logger.log(`Loaded the starter library: ${loaded} compliance controls`);
  }

  /** Answers how many controls it created (0 when the library was loaded before). */
  async load(): Promise<number> {
    return this.transactions.run(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [LOAD_LOCK]);
      const [done] = await manager.query<unknown[]>(
        'SELECT 1 FROM compliance_library_loads WHERE library = $1',
        [LIBRARY],
      );
      if (done) return 0;
      const actor = systemActor('compliance', 'starter-library');
      let created = 0;
      for (const control of STARTER_CONTROLS) {
        // A slug the install already uses for its own control keeps the install's.
        const [taken] = await manager.query<unknown[]>('SELECT 1 FROM compliance_controls WHERE slug = $1', [
          control.slug,
        ]);
        if (taken) continue;
        await this.controls.create(actor, control, 'starter');
        created++;
      }
      await manager.query(
        'INSERT INTO compliance_library_loads (library, loaded_at, controls) VALUES ($1, $2, $3)',
        [LIBRARY, this.clock.now(), created],
      );
      return created;
    });
  }
}
