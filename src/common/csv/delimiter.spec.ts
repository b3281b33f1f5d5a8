import { guessDelimiter } from './delimiter';

describe('guessDelimiter', () => {
  it.each([
    ['a tab-separated export whose questions hold commas', 'Response ID\tHow likely is it, honestly, that you would recommend us?\tWhy?\nR1\t9\tFast, friendly\nR2\t7\tOK\n', '\t'],
    ['a semicolon file whose answers hold commas', 'Antwort-ID;NPS;Kommentar\nA1;9;Schnell, freundlich\nA2;3;Zu teuer\n', ';'],
    ['a comma file whose question holds semicolons', 'id,"Rate us; 0 to 10",comment\nr1,9,"fine; thanks"\nr2,8,ok\n', ','],
    ['a comma file with a quoted answer over two lines', 'id,score,comment\nr1,9,"line one\nline two, still"\nr2,8,ok\nr3,7,fine\n', ','],
    ['a header alone, with a BOM', '\uFEFFid;score;comment', ';'],
    ['one column', 'score\n9\n8\n', ','],
  ])('%s', (_, sample, expected) => {
    expect(guessDelimiter(sample)).toBe(expected);
  });
});
