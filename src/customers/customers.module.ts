import { Module } from '@nestjs/common';
import { AudienceChanges } from './audience-changes';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';

/** Customers (people who gave feedback) and their consent; the feedback module keeps them in step with responses. */
@Module({
  providers: [CustomersRepository, CustomersService, AudienceChanges],
  exports: [CustomersService, AudienceChanges],
})
export class CustomersModule {}
