import { FastifyReply } from 'fastify';
import { Actor, StaffRole } from '../common/actor';

export type StaffSection =
  | 'dashboard' | 'feedback' | 'nps' | 'promoters' | 'alerts' | 'campaigns' | 'recommendations' | 'reports'
  | 'locations' | 'users' | 'api-keys' | 'settings' | 'audit' | 'account';

/** Headings of the sidebar; sections appear in this order, a group without a section for the role is left out. */
export type NavGroup = 'Overview' | 'Customers' | 'Advocacy' | 'Administration';

interface NavItem {
  section: StaffSection;
  label: string;
  href: string;
  group: NavGroup;
  roles: StaffRole[];
  /**
   * One line on the dashboard card that links to the section, per role where roles may do different things
   * there: a card never promises what the reader can't do (a dealer can't import, hide or launch).
   */
  description?: Partial<Record<StaffRole, string>> & { default: string };
}

const ALL: StaffRole[] = ['admin', 'marketer', 'dealer'];
const GROUPS: NavGroup[] = ['Overview', 'Customers', 'Advocacy', 'Administration'];

/** The staff navigation; each capability adds its entry here. Shown per role, enforced again on the server. */
export const STAFF_NAV: NavItem[] = [
  { section: 'dashboard', label: 'Home', href: '/dashboard', group: 'Overview', roles: ALL },
  {
    section: 'reports', label: 'Reports', href: '/dashboard/reports', group: 'Overview', roles: ALL,
    description: { default: 'Reach reports: feedback, advocates, shares and visitors, per location and campaign; CSV.', dealer: 'Your locations’ report: feedback, advocates and the visitors they drew.' },
  },
  { section: 'nps', label: 'NPS', href: '/dashboard/nps', group: 'Overview', roles: ALL, description: { default: 'Net Promoter Score per location and over time.' } },
  {
    section: 'locations', label: 'Locations', href: '/dashboard/locations', group: 'Overview', roles: ALL,
    description: { default: 'The places customers visit: details, review links, CSV import.', dealer: 'Your locations: their numbers, details and public pages.' },
  },
  { section: 'alerts', label: 'Alerts', href: '/dashboard/alerts', group: 'Customers', roles: ALL, description: { default: 'Detractor responses routed to location managers: follow up and resolve.' } },
  { section: 'promoters', label: 'Promoters', href: '/dashboard/promoters', group: 'Customers', roles: ALL, description: { default: 'Customers whose latest response is a promoter; CSV export.' } },
  { section: 'feedback', label: 'Feedback', href: '/dashboard/feedback', group: 'Customers', roles: ['admin', 'marketer'], description: { default: 'Import survey responses from a CSV file; past imports and rejected rows.' } },
  {
    section: 'campaigns', label: 'Campaigns', href: '/dashboard/campaigns', group: 'Advocacy', roles: ALL,
    description: { default: 'Invite promoters to put in a good word: dry run, launch, live funnel.', dealer: 'Campaigns that include your locations and how far each has come.' },
  },
  {
    section: 'recommendations', label: 'Recommendations', href: '/dashboard/recommendations', group: 'Advocacy', roles: ALL,
    description: { default: 'What customers wrote and approved; hide one from public pages if it must go.', dealer: 'What customers of your locations wrote and approved.' },
  },
  { section: 'users', label: 'Users', href: '/dashboard/users', group: 'Administration', roles: ['admin'], description: { default: 'Invite staff, set their role and locations, deactivate accounts.' } },
  { section: 'api-keys', label: 'API keys', href: '/dashboard/api-keys', group: 'Administration', roles: ['admin'], description: { default: 'Keys for machines that send feedback or redeem rewards.' } },
  { section: 'audit', label: 'Audit log', href: '/dashboard/audit', group: 'Administration', roles: ['admin'], description: { default: 'Who changed what and when, with a tamper-evident hash chain; CSV.' } },
  { section: 'settings', label: 'Settings', href: '/dashboard/settings', group: 'Administration', roles: ['admin', 'marketer'], description: { default: 'Brand name, postal address, message cap and data retention.' } },
];

/** The account link lives at the foot of the sidebar, next to "Sign out", not among the sections. */
export const ACCOUNT_NAV = { section: 'account' as const, label: 'Your account', href: '/dashboard/account' };

export const ROLE_NAMES: Record<StaffRole, string> = { admin: 'Admin', marketer: 'Marketer', dealer: 'Location manager' };

/** The sections a role may use, each with the card line written for that role. */
export function navFor(role: StaffRole, current?: StaffSection) {
  return STAFF_NAV.filter((item) => item.roles.includes(role)).map((item) => ({
    section: item.section,
    label: item.label,
    href: item.href,
    group: item.group,
    description: item.description ? item.description[role] ?? item.description.default : undefined,
    current: item.section === current,
  }));
}

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
  const nav = navFor(role, page.section);
  return {
    ...data,
    title: page.title,
    csrfToken: reply.generateCsrf(),
    staff: {
      role,
      roleName: ROLE_NAMES[role],
      isAdmin: role === 'admin',
      isDealer: role === 'dealer',
      nav,
      groups: GROUPS.map((name) => ({ name, items: nav.filter((item) => item.group === name) })).filter((g) => g.items.length > 0),
      account: { ...ACCOUNT_NAV, current: page.section === 'account' },
    },
  };
}
