import { Module } from '@nestjs/common';
import { HomeController } from './home.controller';

/** Shell pages that belong to no domain (home). Domain pages live in their own modules. */
@Module({ controllers: [HomeController] })
export class WebModule {}
