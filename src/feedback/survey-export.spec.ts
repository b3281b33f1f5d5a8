import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { mappingOf, realExports } from '../../test/support/real-exports';
import { parseCsvRecord } from './feedback-csv';
import { ColumnMapping, consentText, ExportHeader, mapRow, scoreText, NO_SCORE_COLUMN_MESSAGE, proposeMapping, readExport, resolveMapping, summariseExport } from './survey-export';

/** A file's text read as an export: its reader (rows consumed), every data row, and the proposed mapping. */
async function proposalFor(file: string) {
  const reader = await readExport(Readable.from([Buffer.from(file)]));
  const sample: string[][] = [];
  for await (const row of reader.rows) sample.push(row.cells);
  return { reader, sample, proposal: proposeMapping(reader.header, sample) };
}

/** Rows as the import would read them through a mapping (a file location, UTC). */
function importedAs(header: ExportHeader, mapping: ColumnMapping, rows: string[][]) {
  const resolved = resolveMapping(mapping, header);
  return rows.map((cells) => parseCsvRecord(mapRow(header, resolved, cells, { location: 'DLR-001', zone: 'UTC' })).value);
}

describe('survey-tool exports (../shared/real-exports)', () => {
  for (const real of realExports()) {
    it(`${real.file}: header rows and the dry run's figures are as its meta says`, async () => {
      const summary = await summariseExport(createReadStream(real.path), mappingOf(real));
      expect(summary.header.rows).toBe(real.meta.header_rows);
      const e = real.meta.expected;
      expect({
        total: summary.total, score_ok: summary.scoreOk, promoters: summary.promoters,
        passives: summary.passives, detractors: summary.detractors, email_ok: summary.emailOk,
      }).toEqual({ total: e.total, score_ok: e.score_ok, promoters: e.promoters, passives: e.passives, detractors: e.detractors, email_ok: e.email_ok });
      if (!real.meta.score_column) expect(summary.notes).toContain(NO_SCORE_COLUMN_MESSAGE);
      if (e.email_ok === 0) expect(summary.notes.join(' ')).toMatch(/no email/);
    });

    it(`${real.file}: the proposed mapping never takes a column that is not a 0–10 question`, async () => {
      const reader = await readExport(createReadStream(real.path));
      const sample: string[][] = [];
      for await (const row of reader.rows) sample.push(row.cells);
      const proposal = proposeMapping(reader.header, sample);
      if (!real.meta.score_column) {
        expect(proposal.mapping.score).toBeUndefined();
        expect(proposal.questions).toContain(NO_SCORE_COLUMN_MESSAGE);
      } else {
        expect(proposal.scoreCandidates).toContain(real.meta.score_column);
        // Google Forms has three 0–10 questions: the marketer is asked, nothing guessed.
        if (proposal.scoreCandidates.length > 1 && proposal.mapping.score === undefined) expect(proposal.questions.join(' ')).toMatch(/Several columns/);
        else expect(proposal.mapping.score).toBe(real.meta.score_column);
      }
    });
  }

  it('names columns from row 1 ids (Qualtrics), row 2 labels (legacy V1…) and question - option (SurveyMonkey)', async () => {
    const names = async (file: string) => (await readExport(createReadStream(realExports().find((r) => r.file === file)!.path))).header;
    expect((await names('qualtrics_modern_3hdr.csv')).names).toContain('RecipientEmail');
    expect((await names('qualtrics_2016_3hdr_pydict.csv')).layout).toBe('qualtrics');
    expect((await names('qualtrics_legacy_2hdr_bom.csv')).names.slice(0, 2)).toEqual(['ResponseID', 'ResponseSet']);
    const monkey = await names('surveymonkey_2hdr_starwars.csv');
    expect(monkey.layout).toBe('surveymonkey');
    expect(monkey.names.some((n) => n.endsWith(' - Star Wars: Episode II  Attack of the Clones'))).toBe(true);
  });

  it('reads SurveyMonkey bytes that are not UTF-8 as Windows-1252, without replacing anything', async () => {
    const reader = await readExport(createReadStream(realExports().find((r) => r.file === 'surveymonkey_2hdr_starwars.csv')!.path));
    expect(reader.decoding).toEqual({ encoding: 'windows-1252', replaced: 0 });
    expect(reader.header.names.join('|')).toContain('Expanded Universe?Œæ');
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text")', async () => {
    const text = '\uFEFFResponse ID,NPS,Email\nr1,9,a@example.com\n';
    const reader = await readExport(Readable.from([Buffer.from(text, 'utf16le')]));
    expect(reader.decoding.encoding).toBe('utf-16le');
    expect(reader.header.names).toEqual(['Response ID', 'NPS', 'Email']);
    const rows = [];
    for await (const row of reader.rows) rows.push(row.cells);
    expect(rows).toEqual([['r1', '9', 'a@example.com']]);
  });

  it('reports bytes that cannot be decoded instead of failing', async () => {
    // Valid UTF-8 at the start, a broken sequence later: decoded as UTF-8 with the bad bytes replaced.
    const bytes = Buffer.concat([Buffer.from('id,nps\n' + 'r,9\n'.repeat(20000)), Buffer.from([0x72, 0x32, 0x2c, 0xe2, 0x28, 0x0a])]);
    const reader = await readExport(Readable.from([bytes.subarray(0, 70000), bytes.subarray(70000)]));
    for await (const _ of reader.rows) void _;
    expect(reader.decoding.encoding).toBe('utf-8');
    expect(reader.decoding.replaced).toBe(1);
  });

  it('proposes a 0–10 question some respondents skipped (partial responses), never a scale that stops at 6', async () => {
    const file = [
      'StartDate,EndDate,Progress,Finished,ResponseId,RecipientEmail,Q1,Q2,Q3_1',
      'Start Date,End Date,Progress,Finished,Response ID,Recipient Email,How likely are you to recommend us?,Why?,Rank the visit',
      '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"progress"},{"ImportId":"finished"},{"ImportId":"_recordId"},{"ImportId":"recipientEmail"},{"ImportId":"QID1"},{"ImportId":"QID2_TEXT"},{"ImportId":"QID3_1"}',
      '2026-11-20 10:00:00,2026-11-20 10:04:00,100,1,R_1,,9,Great,3',
      '2026-11-20 11:00:00,2026-11-20 11:01:00,40,0,R_2,,,,',
      '2026-11-20 12:00:00,2026-11-20 12:03:00,100,1,R_3,,4,Slow,6',
    ].join('\n');
    const { reader, sample, proposal } = await proposalFor(file);
    expect(proposal.scoreCandidates).toEqual(['Q1']);
    expect(proposal.mapping).toMatchObject({ score: 'Q1', responseId: 'ResponseId', email: 'RecipientEmail', respondedAt: 'EndDate' });
    // An empty column is no candidate either.
    expect(proposeMapping(reader.header, sample.map((row) => row.map((cell, i) => (i === 6 ? '' : cell)))).scoreCandidates).toEqual([]);
  });

  it('reads a scale end written with its label (10 - Extremely likely) as its number, and nothing else', async () => {
    expect(['10 - Extremely likely', '0 (Not at all likely)', '9', ' 7 ', '10: Extremely likely', '1-6', '9.5', 'n/a', '', '9.0', '9.'].map((c) => scoreText(c))).toEqual([
      '10', '0', '9', ' 7 ', '10', '1-6', '9.5', 'n/a', '', '9.0', '9.',
    ]);
    const file = 'Response ID,How likely are you to recommend us?\nr1,10 - Extremely likely\nr2,0 - Not at all likely\nr3,8\n';
    const { reader, sample, proposal } = await proposalFor(file);
    expect(proposal.mapping.score).toBe('How likely are you to recommend us?');
    expect(importedAs(reader.header, proposal.mapping, sample).map((value) => value?.score)).toEqual([10, 0, 8]);
  });

  it('counts in the dry run exactly the scores the import keeps (9.0 and labelled ends in, 9.5 and 11 out)', async () => {
    const file = 'Response ID,How likely are you to recommend us?\nr1,9.0\nr2,10 - Extremely likely\nr3,7\nr4,9.5\nr5,11\nr6,\nr7,3\n';
    const { reader, sample } = await proposalFor(file);
    const mapping = { responseId: 'Response ID', score: 'How likely are you to recommend us?' };
    const kept = importedAs(reader.header, mapping, sample).map((value) => value?.score);
    expect(kept).toEqual([9, 10, 7, undefined, undefined, undefined, 3]);
    const summary = await summariseExport(Readable.from([Buffer.from(file)]), mapping);
    expect({ total: summary.total, scoreOk: summary.scoreOk, promoters: summary.promoters, passives: summary.passives, detractors: summary.detractors }).toEqual({
      total: 7, scoreOk: kept.filter((score) => score !== undefined).length, promoters: 2, passives: 1, detractors: 1,
    });
  });

  it("proposes the score's open follow-up question as the comment: by its wording (name or question text), else the free text right after the score", async () => {
    const qualtrics = [
      'StartDate,EndDate,ResponseId,Q1,Q2,Q3',
      'Start Date,End Date,Response ID,How likely are you to recommend us?,What is the primary reason for your score?,Which department did you visit?',
      '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"_recordId"},{"ImportId":"QID1"},{"ImportId":"QID2_TEXT"},{"ImportId":"QID3"}',
      '2026-11-20 10:00:00,2026-11-20 10:04:00,R_1,9,Quick and friendly service,Service',
      '2026-11-20 11:00:00,2026-11-20 11:04:00,R_2,4,,Sales',
    ].join('\n');
    expect((await proposalFor(qualtrics)).proposal.mapping).toMatchObject({ score: 'Q1', comment: 'Q2' });
    // No wording to go by: the free-text column right after the score.
    expect((await proposalFor('NPS,In your words,Visits\n10,They fixed it the same day,3\n6,Too slow,1\n')).proposal.mapping).toMatchObject({ score: 'NPS', comment: 'In your words' });
    // Worded questions on both sides of the score: the one after it.
    const both = 'Why did you choose us?,NPS,What could we improve?\nClose to home and fair,9,Nothing at all\nA friend said so,7,Call back sooner\n';
    expect((await proposalFor(both)).proposal.mapping.comment).toBe('What could we improve?');
    // Not free text: numbers, addresses, one-word categories after the score, or nothing answered.
    for (const next of ['3,1', 'ana@example.com,ben@example.com', 'Service,Sales', ',']) {
      const [a, b] = next.split(',');
      expect((await proposalFor(`NPS,Next\n9,${a}\n8,${b}\n`)).proposal.mapping.comment).toBeUndefined();
    }
  });

  it('proposes an email column by its answers when its name says nothing, a first name when there is no whole one, and a location asked as a question', async () => {
    const file = [
      'Respondent ID,Last Name,First Name,Where can we reach you?,Which dealership did you visit?,How likely are you to recommend us?',
      '1001,Silva,Ana,ana@example.com,Springfield Downtown,9',
      '1002,Ode,Ben,,Springfield North,7',
    ].join('\n');
    expect((await proposalFor(file)).proposal.mapping).toMatchObject({
      responseId: 'Respondent ID', name: 'First Name', email: 'Where can we reach you?', location: 'Which dealership did you visit?',
    });
    // A column with anything but addresses is not the email column.
    const mixed = 'Contact,NPS\nana@example.com,9\ncall me on 555 0101,8\n';
    expect((await proposalFor(mixed)).proposal.mapping.email).toBeUndefined();
  });

  it('proposes the response time by its answers when its name is in another language: the last column of dates with times', async () => {
    const spanish = [
      'ID del encuestado,Fecha de inicio,Fecha de finalización,Dirección de correo electrónico,Fecha de la visita,¿Qué tan probable es que nos recomiende?',
      '114,11/20/2026 10:01:12 AM,11/20/2026 10:04:40 AM,ana@example.com,11/18/2026,9',
      '115,11/21/2026 3:00:00 PM,11/21/2026 3:02:05 PM,ben@example.com,11/13/2026,10',
    ].join('\n');
    const { reader, sample, proposal } = await proposalFor(spanish);
    expect(proposal.mapping).toMatchObject({ respondedAt: 'Fecha de finalización', dateFormat: 'M/d/yyyy h:mm:ss a', email: 'Dirección de correo electrónico', score: '¿Qué tan probable es que nos recomiende?' });
    expect(importedAs(reader.header, proposal.mapping, sample).map((value) => value?.respondedAt?.toISOString())).toEqual(['2026-11-20T10:04:40.000Z', '2026-11-21T15:02:05.000Z']);
    // Dates without a time (a visit, a birthday) are not when the response was given.
    expect((await proposalFor('Fecha de la visita,NPS\n11/18/2026,9\n11/13/2026,7\n')).proposal.mapping.respondedAt).toBeUndefined();
  });

  it('tells the recommend question in other languages, and lets respondents skip a question that says it is on a 0–10 scale', async () => {
    const german = [
      'ResponseId,Q1,Q2',
      'Antwort-ID,"Wie wahrscheinlich ist es, dass Sie uns einem Freund weiterempfehlen?",Wie zufrieden waren Sie mit der Beratung (0-10)?',
      '{"ImportId":"_recordId"},{"ImportId":"QID1"},{"ImportId":"QID2"}',
      'R_1,9,8',
      'R_2,,10',
      'R_3,3,7',
    ].join('\n');
    const { proposal } = await proposalFor(german);
    expect(proposal.scoreCandidates).toEqual(['Q1', 'Q2']);
    expect(proposal.mapping.score).toBe('Q1');
    // French, Spanish: the recommend question among several 0–10 questions.
    const french = 'Satisfaction globale,Quelle est la probabilité que vous nous recommandiez à un proche ?\n8,9\n10,7\n';
    expect((await proposalFor(french)).proposal.mapping.score).toBe('Quelle est la probabilité que vous nous recommandiez à un proche ?');
    const spanish = '¿Qué tan probable es que nos recomiende?,Valoración del taller\n10,9\n6,8\n';
    expect((await proposalFor(spanish)).proposal.mapping.score).toBe('¿Qué tan probable es que nos recomiende?');
    // A skipped answer in a question that names no scale still rules the column out.
    expect((await proposalFor('How many visits this year?,Why?\n3,Good\n,Fine\n9,Great\n')).proposal.scoreCandidates).toEqual([]);
  });

  it("reads Microsoft Forms' anonymous respondents (Email and Name 'anonymous') as responses without email or name", async () => {
    const file = 'ID,Start time,Completion time,Email,Name,How likely are you to recommend us?\n1,11/20/26 10:01:00,11/20/26 10:04:30,anonymous,anonymous,9\n2,11/20/26 11:00:00,11/20/26 11:02:00,anonymous,anonymous,4\n';
    const { reader, sample, proposal } = await proposalFor(file);
    expect(proposal.mapping).toMatchObject({ email: 'Email', name: 'Name' });
    expect(proposal.questions).toContain('The email column "Email" is empty: these responses count for NPS and reports, but nobody can be invited.');
    expect(importedAs(reader.header, proposal.mapping, sample).map((value) => [value?.email, value?.name, value?.score])).toEqual([[null, null, 9], [null, null, 4]]);
  });

  it('proposes a location column by its answers only when told which cells name our locations', async () => {
    const file = 'Respondent ID,Custom Data 1,NPS\n1,DLR-001,9\n2,dlr-002,7\n';
    expect((await proposalFor(file)).proposal.mapping.location).toBeUndefined();
    const { reader, sample } = await proposalFor(file);
    const known = new Set(['DLR-001', 'DLR-002']);
    expect(proposeMapping(reader.header, sample, (cell) => known.has(cell.toUpperCase())).mapping.location).toBe('Custom Data 1');
    expect(proposeMapping(reader.header, sample, (cell) => cell === 'DLR-001').mapping.location).toBeUndefined();
  });

  it("honours Excel's sep= line, and proposes Microsoft Forms' ID and Completion time", async () => {
    const file = 'sep=;\r\nID;Start time;Completion time;Email;Name;How likely are you to recommend us?\r\n7;11/20/26 10:01:00;11/20/26 10:04:30;ana@example.com;Ana Silva;9\r\n';
    const reader = await readExport(Readable.from([Buffer.from(file)]));
    expect(reader.header.names).toEqual(['ID', 'Start time', 'Completion time', 'Email', 'Name', 'How likely are you to recommend us?']);
    const rows = [];
    for await (const row of reader.rows) rows.push(row);
    expect(rows).toEqual([{ line: 3, cells: ['7', '11/20/26 10:01:00', '11/20/26 10:04:30', 'ana@example.com', 'Ana Silva', '9'] }]);
    const proposal = proposeMapping(reader.header, rows.map((r) => r.cells));
    expect(proposal.mapping).toMatchObject({ responseId: 'ID', respondedAt: 'Completion time', email: 'Email', name: 'Name', dateFormat: 'M/d/yy H:mm:ss' });
  });

  it('reads a consent question by the start of its wording, and its worded yes or no', async () => {
    expect(['Yes, you may contact me', 'No thanks', 'yes', 'NO.', 'Not now', 'Yesterday', ''].map((c) => consentText(c))).toEqual(['yes', 'no', 'yes', 'no', 'Not now', 'Yesterday', '']);
    const german = 'Antwort-ID,Einwilligung zur Kontaktaufnahme,NPS\nA1,"Ja, gerne",9\nA2,Nein,7\n';
    const asked = await proposalFor(german);
    expect(asked.proposal.mapping.marketingConsent).toBe('Einwilligung zur Kontaktaufnahme');
    expect(importedAs(asked.reader.header, asked.proposal.mapping, asked.sample).map((value) => value?.marketingConsent)).toEqual([true, false]);
    // In the languages the recommend question is told in; a word that only starts like one is not an answer.
    expect(['Ja, gerne', 'Nein', 'Sí', 'No, gracias', 'Oui', 'Non merci', 'Sim', 'Não', 'Nee', 'Jamais', 'Sieben', 'Nonsense'].map((c) => consentText(c))).toEqual([
      'yes', 'no', 'yes', 'no', 'yes', 'no', 'yes', 'no', 'no', 'Jamais', 'Sieben', 'Nonsense',
    ]);
    // A ticked checkbox or a chosen option that agrees, or declines in the same words.
    expect(
      [
        'I agree to receive news and offers from Sudzilla', 'I consent to being contacted', 'Opt in', 'Ich stimme zu', 'Ich bin einverstanden',
        'Acepto recibir comunicaciones', "J'accepte d'être contacté", 'Acconsento', 'Ik ga akkoord', 'Concordo',
      ].map((c) => consentText(c)),
    ).toEqual(Array(10).fill('yes'));
    expect(
      ['I do not agree', "I don't consent", 'Ich stimme nicht zu', 'Ik ga niet akkoord', "Je n'accepte pas", 'Opt out of marketing', 'No, I do not agree'].map((c) => consentText(c)),
    ).toEqual(Array(7).fill('no'));
    expect(['Maybe later', 'Agreeable weather', 'Disagree?'].map((c) => consentText(c))).toEqual(['Maybe later', 'Agreeable weather', 'Disagree?']);
    const file = 'Response ID,How likely are you to recommend us?,May we contact you about offers?\nr1,9,"Yes, you may contact me"\nr2,10,No thanks\n';
    const { reader, sample, proposal } = await proposalFor(file);
    expect(proposal.mapping.marketingConsent).toBe('May we contact you about offers?');
    expect(importedAs(reader.header, proposal.mapping, sample).map((value) => value?.marketingConsent)).toEqual([true, false]);
  });

  it('maps every field of a row, touchpoint included; a row without email is a valid response without one', async () => {
    const reader = await readExport(Readable.from([Buffer.from('Score,Dept,Why,When\n9,Service,Quick and kind,2026-11-20 10:00:00\n')]));
    const resolved = resolveMapping({ score: 'Score', touchpoint: 'Dept', comment: 'Why', respondedAt: 'When' }, reader.header);
    const rows = [];
    for await (const row of reader.rows) rows.push(mapRow(reader.header, resolved, row.cells, { location: 'DLR-001', zone: 'UTC' }));
    const parsed = parseCsvRecord(rows[0]);
    expect(parsed.errors).toBeNull();
    expect(parsed.value).toMatchObject({ score: 9, touchpoint: 'service', comment: 'Quick and kind', email: null, locationCode: 'DLR-001', respondedAt: new Date('2026-11-20T10:00:00Z') });
  });
});
