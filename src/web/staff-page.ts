import { FastifyReply } from 'fastify';
import { Actor, StaffRole } from '../common/actor';

export type StaffSection =
  | 'dashboard' | 'feedback' | 'nps' | 'promoters' | 'alerts' | 'campaigns' | 'recommendations' | 'reports'
  | 'locations' | 'users' | 'api-keys' | 'settings' | 'audit' | 'account';

interface NavItem {
  section: StaffSection;
  label: string;
  href: string;
  roles: StaffRole[];
  /** One line on the dashboard card that links to the section. */
  description?: string;
}

const ALL: StaffRole[] = ['admin', 'marketer', 'dealer'];

/** The staff navigation; each capability adds its entry here. Shown per role, enforced again on the server. */
export const STAFF_NAV: NavItem[] = [
  { section: 'dashboard', label: 'Dashboard', href: '/dashboard', roles: ALL },
  { section: 'locations', label: 'Locations', href: '/dashboard/locations', roles: ALL, description: 'The places customers visit: details, review links, CSV import.' },
  { section: 'feedback', label: 'Feedback', href: '/dashboard/feedback', roles: ['admin', 'marketer'], description: 'Import survey responses from a CSV file; past imports and rejected rows.' },
  { section: 'nps', label: 'NPS', href: '/dashboard/nps', roles: ALL, description: 'Net Promoter Score per location and over time.' },
  { section: 'promoters', label: 'Promoters', href: '/dashboard/promoters', roles: ALL, description: 'Customers whose latest response is a promoter; CSV export.' },
  { section: 'alerts', label: 'Alerts', href: '/dashboard/alerts', roles: ALL, description: 'Detractor responses routed to location managers: follow up and resolve.' },
  { section: 'campaigns', label: 'Campaigns', href: '/dashboard/campaigns', roles: ALL, description: 'Invite promoters to put in a good word: dry run, launch, live funnel.' },
  { section: 'recommendations', label: 'Recommendations', href: '/dashboard/recommendations', roles: ALL, description: 'What customers wrote and approved; hide one from public pages if it must go.' },
  { section: 'users', label: 'Users', href: '/dashboard/users', roles: ['admin'], description: 'Invite staff, set their role and locations, deactivate accounts.' },
  { section: 'api-keys', label: 'API keys', href: '/dashboard/api-keys', roles: ['admin'], description: 'Keys for machines that send feedback or redeem rewards.' },
  { section: 'settings', label: 'Settings', href: '/dashboard/settings', roles: ['admin', 'marketer'], description: 'Brand name, postal address, message cap and data retention.' },
  { section: 'account', label: 'Account', href: '/dashboard/account', roles: ALL, description: 'Your password and your sessions.' },
];

/**
 * The context every staff page renders with: the navigation for the actor's role, and a CSRF token that
 * every form on the page posts back as `_csrf`. Staff pages are personal and carry tokens: never cached.
 */
export function staffContext(
  reply: FastifyReply,
  actor: Actor,
  page: { title: string; section: StaffSection },
  data: object = {},
) {
  const role = actor.role!;
  reply.header('Cache-Control', 'no-store');
  return {
    ...data,
    title: page.title,
    csrfToken: reply.generateCsrf(),
    staff: {
      role,
      isAdmin: role === 'admin',
      isDealer: role === 'dealer',
      nav: STAFF_NAV.filter((item) => item.roles.includes(role)).map((item) => ({
        ...item,
        current: item.section === page.section,
      })),
    },
  };
}
