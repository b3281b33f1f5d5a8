import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LocationsModule } from '../locations/locations.module';
import { PasswordResetToken } from './password-reset-token.entity';
import { PasswordResetService } from './password-reset.service';
import { User } from './user.entity';
import { UsersPagesController } from './users-pages.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Staff accounts. `UsersService` is the API for the staff pages, the CLI (`user:create`) and the auth guard;
 * `PasswordResetService` sends the one-time "choose a password" links (forgot password, invitations).
 */
@Module({
  imports: [TypeOrmModule.forFeature([User, PasswordResetToken]), LocationsModule],
  controllers: [UsersController, UsersPagesController],
  providers: [UsersRepository, UsersService, PasswordResetService],
  exports: [UsersService, PasswordResetService],
})
export class UsersModule {}
