import { CreateLocationDto } from '../locations/dto/location.dto';
import { IntentChannel } from '../sharing/intent-links';
import { CreateUserInput } from '../users/users.service';

/** A small fictional dealer group, so a newcomer sees every page with something on it. */
export const DEMO_LOCATIONS: CreateLocationDto[] = [
  {
    code: 'DLR-001',
    name: 'Springfield Motors Downtown',
    address: '742 Evergreen Terrace',
    city: 'Springfield',
    timezone: 'America/Chicago',
    locale: 'en-US',
    websiteUrl: 'https://downtown.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-downtown',
    managerEmail: 'downtown.manager@example.com',
  },
  {
    code: 'DLR-002',
    name: 'Springfield Motors Riverside',
    address: '19 Riverside Drive',
    city: 'Shelbyville',
    timezone: 'America/Chicago',
    locale: 'en-US',
    websiteUrl: 'https://riverside.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-riverside',
    managerEmail: 'riverside.manager@example.com',
  },
  {
    code: 'DLR-003',
    name: 'Springfield Motors Capital City',
    address: '1 Capitol Way',
    city: 'Capital City',
    timezone: 'America/New_York',
    locale: 'en-US',
    websiteUrl: 'https://capital.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-capital',
    managerEmail: 'capital.manager@example.com',
  },
];

/** One staff user per role; passwords are generated at seeding and printed once. */
export const DEMO_STAFF: CreateUserInput[] = [
  { email: 'admin@example.com', role: 'admin' },
  { email: 'marketer@example.com', role: 'marketer' },
  { email: 'dealer@example.com', role: 'dealer', locationCodes: ['DLR-001'] },
];

/** How many demo feedback responses `demo:seed` adds, spread over the last DEMO_FEEDBACK_DAYS days. */
export const DEMO_FEEDBACK_COUNT = 300;
export const DEMO_FEEDBACK_DAYS = 180;

const FIRST_NAMES = ['Ana', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kim', 'Luis', 'Mia', 'Noor', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tia'];
const LAST_NAMES = ['Silva', 'Ode', 'Lin', 'Rao', 'Park', 'Moss', 'Hale', 'Berg', 'Novak', 'Diaz', 'Kaur', 'Okafor', 'Rossi', 'Sato', 'Weber'];
type Segment = 'promoter' | 'passive' | 'detractor';
const SHARED: Record<Segment, string[]> = {
  promoter: ['Great service, the team explained everything.', 'Best dealership experience I have had.', 'I will be back, quick and friendly.', ''],
  passive: ['OK. Parking was hard.', 'Fine, nothing special.', ''],
  detractor: ['Charged for work I did not ask for.', ''],
};
/**
 * Each demo location has its own weak spot (what its weekly focus shows) and its own colleagues whom
 * customers thank by name (its roster below): waiting at Downtown, being kept in the dark at Riverside,
 * repairs that don't hold at Capital City.
 */
const LOCATION_COMMENTS: Record<string, Record<Segment, string[]>> = {
  'DLR-001': {
    promoter: ['Will explained everything and had it ready early.', 'Priya found the rattle nobody else could.', 'Thanks to Grace at the front desk for sorting the paperwork.'],
    passive: ['Fine overall, the wait was a bit long.', 'Good work but the waiting room was packed.'],
    detractor: ['Waited two hours past my appointment.', 'Took forever, three hours for an oil change.', 'The wait was ridiculous and nobody said why.', 'Slow service again, I waited all morning.'],
  },
  'DLR-002': {
    promoter: ['Sam kept me posted all day, brilliant.', 'Hope was so patient with my questions.', 'Quick, friendly and the car was ready early.'],
    passive: ['Good work, but nobody called when it was ready.', 'Had to call twice for an update.'],
    detractor: ['Nobody returned my calls.', 'I was never told the part was on back order.', 'Kept in the dark for a week, no updates at all.', 'No one called me back about the quote.'],
  },
  'DLR-003': {
    promoter: ['Marco fixed it first time, honest advice.', 'Thanks to Jess for the fair price.', 'They even washed the car. Thank you!'],
    passive: ['Fixed, but it took two visits.', 'Decent, the check engine light came back once.'],
    detractor: ['The problem came back the next day.', 'Still the same noise after the repair.', 'Warning light is back on, repair did not hold.', 'They scratched my door during the service.'],
  },
};
const commentsFor = (code: string, segment: Segment) => [...(LOCATION_COMMENTS[code]?.[segment] ?? []), ...SHARED[segment]];

/** The colleagues customers thank by first name (the weekly page's kudos); `Hope` shows a name that is also a word. */
export const DEMO_ROSTER = [
  'location_code,first_name,role,never_match',
  'DLR-001,Will,Service advisor,no',
  'DLR-001,Priya,Technician,no',
  'DLR-001,Grace,Reception,no',
  'DLR-002,Sam,Service advisor,no',
  'DLR-002,Hope,Parts desk,no',
  'DLR-003,Marco,Technician,no',
  'DLR-003,Jess,Sales,no',
].join('\n') + '\n';

/** A small deterministic random source, so the demo data is the same on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Realistic feedback for the demo locations as a Feedback CSV (the import contract): about half
 * promoters, some customers answering twice, dates over the last months up to `now` (so the newest
 * detractors raise alerts), consent given by about two in three.
 */
export function demoFeedbackCsv(now: Date): string {
  const random = mulberry32(20261124);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const lines = ['response_id,email,location_code,score,name,phone,comment,responded_at,visited_at,marketing_consent'];
  const people = Array.from({ length: 240 }, (_, i) => {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    return { name: `${first} ${last}`, email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(), phone: random() < 0.5 ? `+1 555 01${String(i).padStart(2, '0')}` : '' };
  });
  for (let i = 0; i < DEMO_FEEDBACK_COUNT; i++) {
    const person = people[i < people.length ? i : Math.floor(random() * people.length)];
    const roll = random();
    const score = roll < 0.55 ? 9 + Math.floor(random() * 2) : roll < 0.8 ? 7 + Math.floor(random() * 2) : Math.floor(random() * 7);
    const segment: Segment = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    const respondedAt = new Date(now.getTime() - Math.floor(random() * DEMO_FEEDBACK_DAYS * 24 * 60) * 60_000);
    respondedAt.setUTCSeconds(0, 0);
    const visitedAt = new Date(respondedAt.getTime() - (1 + Math.floor(random() * 3)) * 86_400_000);
    const code = pick(DEMO_LOCATIONS).code; // drawn where it always was: the same scores and dates as before
    lines.push(
      [
        `DEMO-${String(i + 1).padStart(4, '0')}`,
        person.email,
        code,
        String(score),
        person.name,
        person.phone,
        csvCell(pick(commentsFor(code, segment))),
        respondedAt.toISOString(),
        visitedAt.toISOString().slice(0, 10),
        random() < 0.65 ? 'yes' : 'no',
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * A demo recommendation: a promoter (their survey response comes in through the feedback import),
 * what they wrote in their own words after the invitation, and where they chose to share it.
 */
export interface DemoRecommendation {
  locationCode: string;
  /** The advocate; no other demo customer has this address. */
  name: string;
  email: string;
  /** Their survey comment (where the invitation page starts them off). */
  comment: string;
  respondedDaysAgo: number;
  text: string;
  channels: IntentChannel[];
  /** Ticked the thank-you box: their text starts with the disclosure line and they got a code. */
  reward?: boolean;
}

/** The thank-you of the demo campaigns: the same for every approved recommendation whose author accepts it. */
export const DEMO_REWARD_OFFER = {
  description: 'a free car wash',
  terms: 'One wash at any of our locations. Not exchangeable for cash.',
  budget: 50,
  codeSource: 'generated' as const,
  codePrefix: 'WASH',
};

/** The campaign the demo recommendations came from: ended after they approved, so it invites nobody else. */
export const DEMO_RECOMMENDATIONS_CAMPAIGN = 'Demo: last month’s thank-you round';

/**
 * A few approved recommendations, so `/l/:code` and `/p/:id` have something on them after a fresh seed.
 * Written the way customers write: short, a detail or two, no slogans. No names in the text: the page
 * signs each one with its author's first name and initial.
 */
export const DEMO_RECOMMENDATIONS: DemoRecommendation[] = [
  {
    locationCode: 'DLR-001',
    name: 'Rosa Okafor',
    email: 'rosa.okafor@advocates.example.com',
    comment: 'The mechanic took the time to find the rattle.',
    respondedDaysAgo: 14,
    text: 'Had a rattle two other garages couldn’t find. The mechanic came out for a drive with me, found a loose heat shield and fixed it the same afternoon. Didn’t try to sell me anything else.',
    channels: ['whatsapp', 'facebook', 'copy'],
  },
  {
    locationCode: 'DLR-001',
    name: 'Ben Lindqvist',
    email: 'ben.lindqvist@advocates.example.com',
    comment: 'Great first-car experience.',
    respondedDaysAgo: 11,
    text: 'Bought my first car here. Nobody rushed me or made me feel silly for asking questions, and the price on the sheet was the price I paid.',
    channels: ['x', 'email'],
    reward: true,
  },
  {
    locationCode: 'DLR-002',
    name: 'Hana Moss',
    email: 'hana.moss@advocates.example.com',
    comment: 'Quick, friendly and the van was ready early.',
    respondedDaysAgo: 13,
    text: 'Dropped the van off at 8, got a text at 11 saying it was ready. Came in under the quote too.',
    channels: ['facebook', 'whatsapp'],
    reward: true,
  },
  {
    locationCode: 'DLR-002',
    name: 'Dev Rao',
    email: 'dev.rao@advocates.example.com',
    comment: 'They looked after my son while I waited.',
    respondedDaysAgo: 10,
    text: 'had to bring my little one along for the service and someone found him crayons and a juice. we were out in under an hour. will be back',
    channels: ['x', 'copy'],
  },
  {
    locationCode: 'DLR-003',
    name: 'Quinn Weber',
    email: 'quinn.weber@advocates.example.com',
    comment: 'Honest advice about my brakes.',
    respondedDaysAgo: 12,
    text: 'They told me my brakes were fine for another few thousand miles instead of just replacing them. That’s why I keep coming back.',
    channels: ['email', 'linkedin', 'copy'],
  },
];

/** The advocates' survey responses as a Feedback CSV, so they come in through the feedback import like anyone's. */
export function demoAdvocatesCsv(now: Date): string {
  const lines = ['response_id,email,location_code,score,name,comment,responded_at,marketing_consent'];
  DEMO_RECOMMENDATIONS.forEach((demo, i) => {
    const respondedAt = new Date(now.getTime() - demo.respondedDaysAgo * 86_400_000);
    respondedAt.setUTCSeconds(0, 0);
    lines.push([`DEMO-ADVOCATE-${i + 1}`, demo.email, demo.locationCode, '10', demo.name, csvCell(demo.comment), respondedAt.toISOString(), 'yes'].join(','));
  });
  return lines.join('\n') + '\n';
}
