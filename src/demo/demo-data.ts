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
  /** Their survey response, in days before the seeding; the rest of their story follows it (`demoTimeline`). */
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

/**
 * The campaign the demo recommendations came from: launched DEMO_CAMPAIGN_LAUNCHED_DAYS_AGO days before the
 * seeding, it invited each promoter soon after their response; ended at the seeding, so it invites nobody else.
 */
export const DEMO_RECOMMENDATIONS_CAMPAIGN = 'Demo: always-on thank-you round';
export const DEMO_CAMPAIGN_LAUNCHED_DAYS_AGO = 89;

/**
 * Written the way customers write: short, a detail or two, no slogans. No names in the text: the page
 * signs each one with its author's first name and initial.
 */
const WRITTEN: DemoRecommendation[] = [
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

/** What a composed recommendation says: why they came, what stood out (one or two details that fit), a sign-off. */
const PHRASES = {
  service: {
    reasons: [
      'Brought the car in for its 30,000-mile service.',
      'Came in for new tires on a Saturday morning.',
      'Had a chip in the windshield looked at before a road trip.',
      'First service on my new SUV.',
      'Went in about a noise from the front wheel.',
      'Needed a recall fixed and a quick check-up.',
      'The AC quit in the middle of a heat wave.',
      'Took my daughter’s car in for brakes.',
    ],
    details: [
      'They called with a quote before touching anything.',
      'The bill matched the estimate to the cent.',
      'Got a loaner without having to ask.',
      'They showed me the worn part and why it had to go.',
      'Done in under two hours, with decent coffee while I waited.',
      'They texted photos of what they found.',
      'The car came back cleaner than I left it.',
      'They fit me in the same day.',
      'Nobody tried to upsell me.',
    ],
  },
  sales: {
    reasons: ['Traded in my old hatchback for something bigger.', 'Bought a used pickup here.', 'Leased my first electric car here.'],
    details: [
      'The price on the website was the price I paid.',
      'The paperwork took ten minutes, not an afternoon.',
      'They spent half an hour showing me how everything works.',
      'Nobody pushed the extended warranty.',
      'Everything explained in plain English.',
    ],
  },
};
const SIGN_OFFS = ['Will be back.', '', 'Easiest car errand in years.', 'Thank you!', 'Recommended.', '', 'Worth the drive.'];
const CHANNEL_CHOICES: IntentChannel[][] = [
  ['whatsapp', 'facebook'],
  ['facebook', 'copy'],
  ['x', 'email'],
  ['whatsapp'],
  ['linkedin', 'copy'],
  ['facebook', 'whatsapp', 'copy'],
  ['email', 'x'],
];

/**
 * More advocates over the last three months, their words composed from short phrases (no two alike): the
 * first few are the backlog of promoters the campaign found at its launch, the others responded days apart since.
 */
function composedRecommendations(count: number): DemoRecommendation[] {
  const random = mulberry32(20260301);
  return Array.from({ length: count }, (_, j) => {
    const locationCode = ['DLR-001', 'DLR-002', 'DLR-003', 'DLR-001'][j % 4];
    const [first, last] = [FIRST_NAMES[(j * 7 + 2) % FIRST_NAMES.length], LAST_NAMES[(j * 11 + 4) % LAST_NAMES.length]];
    const kind = j % 5 === 3 ? 'sales' : 'service';
    const { reasons, details } = PHRASES[kind];
    const d = kind === 'sales' ? Math.floor(j / 5) : j * 7; // no reason and detail together twice
    const said = j % 3 === 0 ? [details[d % details.length], details[(d + 2) % details.length]] : [details[d % details.length]];
    let text = [reasons[j % reasons.length], ...said, SIGN_OFFS[(j * 3) % SIGN_OFFS.length]].filter(Boolean).join(' ');
    if (j % 6 === 4) text = text.toLowerCase().replace(/\.$/, ''); // some write the way they text
    const spread = Math.round(((j - 5) * 83) / (count - 6) + random() * 2 - 1);
    return {
      locationCode,
      name: `${first} ${last}`,
      email: `${first}.${last}@advocates.example.com`.toLowerCase(),
      comment: commentsFor(locationCode, 'promoter').filter(Boolean)[j % 4],
      respondedDaysAgo: j < 5 ? DEMO_CAMPAIGN_LAUNCHED_DAYS_AGO + 3 + j * 6 : Math.max(3, 86 - spread),
      text,
      channels: CHANNEL_CHOICES[j % CHANNEL_CHOICES.length],
      ...(j % 5 === 2 ? { reward: true } : {}),
    };
  });
}

/**
 * The approved recommendations of a fresh seed, so `/l/:code`, `/p/:id` and the reports have something on
 * them: a few written by hand, the rest composed, half of them at DLR-001 (the demo dealer's location).
 */
export const DEMO_RECOMMENDATIONS: DemoRecommendation[] = [...WRITTEN, ...composedRecommendations(27)];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const demoCampaignLaunchedAt = (now: Date) => new Date(now.getTime() - DEMO_CAMPAIGN_LAUNCHED_DAYS_AGO * DAY_MS);

/**
 * When each step of the advocate at `index` happened, the same relative to `now` on every seeding: the survey
 * response; the invitation, made by the running campaign soon after it (or at its launch, for the backlog) and
 * sent a minute or two later; then, counted from the send, the first open of the invitation page and the
 * approval, mostly in that same visit, sometimes the next day.
 */
export function demoTimeline(index: number, now: Date): { respondedAt: Date; invitedAt: Date; sentAt: Date; opensAfterMs: number; approvesAfterOpenMs: number } {
  const random = mulberry32(7919 * (index + 1));
  const respondedAt = new Date(now.getTime() - DEMO_RECOMMENDATIONS[index].respondedDaysAgo * DAY_MS - Math.floor(random() * 8 * 60) * MINUTE_MS);
  respondedAt.setUTCSeconds(0, 0);
  const invitedAt = new Date(Math.max(respondedAt.getTime(), demoCampaignLaunchedAt(now).getTime()) + Math.floor(5 + random() * 115) * MINUTE_MS);
  const sentAt = new Date(invitedAt.getTime() + Math.floor(1 + random() * 3) * MINUTE_MS);
  const opensAfterMs = Math.floor((2 + random() * 28) * HOUR_MS);
  const approvesAfterOpenMs = Math.floor(index % 4 === 3 ? (20 + random() * 8) * HOUR_MS : (8 + random() * 30) * MINUTE_MS);
  return { respondedAt, invitedAt, sentAt, opensAfterMs, approvesAfterOpenMs };
}

/** The advocates' survey responses as a Feedback CSV, so they come in through the feedback import like anyone's. */
export function demoAdvocatesCsv(now: Date): string {
  const lines = ['response_id,email,location_code,score,name,comment,responded_at,marketing_consent'];
  DEMO_RECOMMENDATIONS.forEach((demo, i) => {
    const { respondedAt } = demoTimeline(i, now);
    lines.push([`DEMO-ADVOCATE-${i + 1}`, demo.email, demo.locationCode, '10', demo.name, csvCell(demo.comment), respondedAt.toISOString(), 'yes'].join(','));
  });
  return lines.join('\n') + '\n';
}

export interface DemoVisit {
  at: Date;
  ip: string;
  userAgent: string;
  referer?: string;
}

const BROWSERS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
];
/** What fetches a link as it is pasted in each place, to draw its preview card: a bot hit, never a visitor. */
const PREVIEW_FETCHERS: Record<IntentChannel, string> = {
  x: 'Twitterbot/1.0',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  linkedin: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  whatsapp: 'WhatsApp/2.23.20.0 A',
  email: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)',
  copy: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
};
const CRAWLER = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const REFERERS: Partial<Record<IntentChannel, string>> = { x: 'https://t.co/', facebook: 'https://l.facebook.com/', linkedin: 'https://www.linkedin.com/' };
/** People a share brings on its first day: a feed or a group chat more than an email to a friend. */
const FIRST_DAY_PEOPLE: Record<IntentChannel, number> = { facebook: 8, whatsapp: 6, x: 4, copy: 3, linkedin: 3, email: 2 };

/**
 * Who follows one shared link from `sharedAt` until `now`: the place's preview fetcher as it is posted, people
 * on the first day and about half as many each day after (some read it twice), a late visitor now and then,
 * and sometimes a crawler. Addresses are from the documentation ranges (RFC 5737).
 */
export function demoVisits(channel: IntentChannel, sharedAt: Date, now: Date, seed: number): DemoVisit[] {
  const random = mulberry32(seed);
  const referer = REFERERS[channel];
  const visits: DemoVisit[] = [{ at: new Date(sharedAt.getTime() + Math.floor(1 + random() * 4) * MINUTE_MS), ip: '192.0.2.10', userAgent: PREVIEW_FETCHERS[channel] }];
  let person = 0;
  for (let day = 0; day <= 45; day++) {
    const expected = FIRST_DAY_PEOPLE[channel] * 0.55 ** day * (0.6 + random() * 0.8);
    const people = day === 0 ? Math.max(2, Math.round(expected)) : day <= 10 ? Math.floor(expected + random() * 0.6) : random() < 0.04 ? 1 : 0;
    for (let p = 0; p < people; p++) {
      const at = new Date(sharedAt.getTime() + day * DAY_MS + Math.floor(random() ** 2 * DAY_MS));
      const visitor = { ip: `${person % 2 ? '203.0.113' : '198.51.100'}.${1 + (Math.floor(person / 2) % 254)}`, userAgent: BROWSERS[person % BROWSERS.length], referer };
      person++;
      if (at > now) continue;
      visits.push({ at, ...visitor });
      // Back a little later the same UTC day (the same visitor for the reports: a hash is per link and day).
      const endOfDay = at.getTime() - (at.getTime() % DAY_MS) + DAY_MS - 1;
      const back = Math.max(at.getTime(), Math.min(at.getTime() + Math.floor(2 + random() * 90) * MINUTE_MS, endOfDay, now.getTime()));
      if ((day === 0 && p === 0) || random() < 0.2) visits.push({ at: new Date(back), ...visitor });
    }
  }
  const crawledAt = new Date(sharedAt.getTime() + Math.floor(random() * 20 * DAY_MS));
  if (random() < 0.35 && crawledAt < now) visits.push({ at: crawledAt, ip: '192.0.2.20', userAgent: CRAWLER });
  return visits;
}
