import { Controller, Get, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/auth.decorators';

@ApiExcludeController()
@Controller()
export class HomeController {
  @Get()
  @Public()
  @Render('pages/home.hbs')
  home() {
    return { title: 'Welcome' };
  }

  /** Browsers ask for `/favicon.ico` whatever the page links to; the icon is one local SVG. */
  @Get('favicon.ico')
  @Public()
  favicon(@Res() reply: FastifyReply) {
    return reply.header('Cache-Control', 'public, max-age=86400').redirect('/assets/favicon.svg', 301);
  }
}
