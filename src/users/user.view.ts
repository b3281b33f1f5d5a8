import { StaffRole } from '../common/actor';
import { User } from './user.entity';

/** What the API and the CLI show of a user: never the password hash or the token version. */
export interface UserView {
  id: string;
  email: string;
  role: StaffRole;
  active: boolean;
  /** Assigned location codes (dealers only; empty for other roles, who see every location). */
  locations: string[];
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    active: user.active,
    locations: (user.locations ?? []).map((l) => l.code).sort(),
    lastLoginAt: user.lastLoginAt ?? null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export const USER_CSV_COLUMNS = ['id', 'email', 'role', 'active', 'locations', 'lastLoginAt', 'createdAt'] as const;
