import { themeFixture } from '../../../test/fixtures/theme-comments';
import { firstNameAndInitial, namesMentioned } from '../kudos';
import { maskPersonalData } from '../mask';
import { DEFAULT_THEMES } from './default-themes';
import { evaluateThemes } from './theme-evaluation';
import { ThemeMatcher } from './theme-matcher';

describe(ThemeMatcher.name, () => {
  const sut = new ThemeMatcher(DEFAULT_THEMES);

  it.each([
    ['No wait at all, great staff', []],
    ["Didn't have to wait", []],
    ['The wait was not long', []],
    ['I waited three hours', ['wait-time']],
    ['The bathroom was not clean', ['cleanliness']],
    ['Clean and bright', []],
    ['Not happy with the price', ['price']],
    ['way too expensiv', ['price']],
    ['had to wiat for ages', ['wait-time']],
    ['Nobody called me back', ['communication']],
    ['Esperé una hora y el baño estaba sucio', ['wait-time', 'cleanliness']],
    ["L'attente était trop longue", ['wait-time']],
    ['Poor communication between sales and finance', ['communication', 'sales-process']],
  ])('%s → %j', (text, themes) => {
    expect(sut.themesOf(text).sort()).toEqual([...themes].sort());
  });

  it('keeps precision and recall on the labelled fixture above 90%', () => {
    const result = evaluateThemes(DEFAULT_THEMES, themeFixture());
    expect(result.precision).toBeGreaterThan(0.9);
    expect(result.recall).toBeGreaterThan(0.9);
  });
});

describe('kudos names', () => {
  const roster = ['Will', 'Grace', 'Hope', 'Sam', 'Priya'].map((firstName, i) => ({ id: String(i), firstName, neverMatch: firstName === 'Priya' }));
  const names = (text: string) => namesMentioned(text, roster).map((r) => r.firstName);

  it('counts a common-word name only where it is used as a name', () => {
    expect(names('Will explained everything')).toEqual(['Will']);
    expect(names('Will definitely come back, I will recommend you')).toEqual([]);
    expect(names('Thanks to Grace at the desk')).toEqual(['Grace']);
    expect(names('Handled with grace. I hope to return')).toEqual([]);
    expect(names('sam explained the warranty')).toEqual(['Sam']);
    expect(names('Priya was lovely')).toEqual([]); // never match
  });

  it('shows a customer by first name and initial only', () => {
    expect(firstNameAndInitial('ana maria silva')).toBe('Ana S.');
    expect(firstNameAndInitial(null)).toBe('A customer');
  });
});

describe(maskPersonalData.name, () => {
  it('masks emails, phone numbers and names', () => {
    const masked = maskPersonalData('Call Ana on +1 (555) 123-4567 or ana.s@example.com; Mr Jones was rude, a guy named Bob too', ['Ana Silva']);
    expect(masked).toBe('Call [name] on [phone] or [email]; [name] was rude, a guy named [name] too');
  });
});
