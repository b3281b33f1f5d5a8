export type StaffRole = 'admin' | 'marketer' | 'dealer';

/** Who is acting: the audit log and every service's authorisation checks speak in these terms. */
export interface Actor {
  type: 'staff' | 'api_key' | 'customer' | 'system';
  id: string | null;
  role?: StaffRole;
  /** For dealers: the location codes they may see. Undefined means all locations. */
  locationCodes?: string[];
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: null });
export const cliActor = (command: string): Actor => ({ type: 'system', id: `cli:${command}` });
