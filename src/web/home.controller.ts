import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
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
}
