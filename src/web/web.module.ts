import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { DashboardController } from './dashboard.controller';
import { HomeController } from './home.controller';

/** Shell pages that belong to no domain (home, staff dashboard). Domain pages live in their own modules. */
@Module({ imports: [UsersModule], controllers: [HomeController, DashboardController] })
export class WebModule {}
