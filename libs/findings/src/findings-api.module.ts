import { Module } from '@nestjs/common';
import { FindingsController } from './findings.controller';
import { FindingsModule } from './findings.module';
import { FindingsResolver } from './findings.resolver';

/** REST and GraphQL for findings; the API process imports this, the worker only FindingsModule. */
@Module({
  imports: [FindingsModule],
  controllers: [FindingsController],
  providers: [FindingsResolver],
})
export class FindingsApiModule {}
