import { BadRequestException, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { validatePlain } from '../../common/validation/validate-plain';
import { LoginDto } from '../dto/auth.dto';

/** Where the local strategy leaves the signed-in user (not `user`, which holds the Actor). */
export const LOGIN_USER = 'loginUser';

/**
 * Runs passport-local. The body is validated first, so a malformed request is a 400 with its reasons
 * (as everywhere else), not a bare 401 from passport.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const body: unknown = context.switchToHttp().getRequest().body;
    const check = validatePlain(LoginDto, body !== null && typeof body === 'object' ? body : {});
    if (check.errors) throw new BadRequestException(check.errors);
    return (await super.canActivate(context)) as boolean;
  }

  getAuthenticateOptions() {
    return { session: false, property: LOGIN_USER };
  }
}
