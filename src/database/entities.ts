import { AuditEvent } from '../audit/audit-event.entity';
import { ClickEvent } from '../reach/click-event.entity';
import { TrackedLink } from '../reach/tracked-link.entity';
import { OutboxMessage } from '../jobs/outbox-message.entity';
import { Location } from '../locations/location.entity';
import { ApiKey } from '../api-keys/api-key.entity';
import { Setting } from '../settings/setting.entity';
import { User } from '../users/user.entity';
import { PasswordResetToken } from '../users/password-reset-token.entity';

/** Every entity, listed explicitly so the app, the CLI and the migration drift test see the same model. */
export const ENTITIES = [Location, AuditEvent, OutboxMessage, User, ApiKey, Setting, PasswordResetToken, TrackedLink, ClickEvent];
