import { CsvResponse } from './csv-response';

describe(CsvResponse.name, () => {
  async function read(stream: NodeJS.ReadableStream): Promise<string> {
    let out = '';
    for await (const chunk of stream) out += chunk;
    return out;
  }

  it('writes a header, the rows and neutralises formula-like cells', async () => {
    const sut = new CsvResponse<{ a: string; b: number }>('x.csv', ['a', 'b'], [{ a: '=SUM(A1)', b: 1 }]);
    expect(await read(sut.toStream())).toBe("a,b\n'=SUM(A1),1\n");
  });

  it('ends with an error when the rows fail half-way, rather than hanging', async () => {
    async function* rows() {
      yield { a: 'first' };
      throw new Error('database went away');
    }
    const sut = new CsvResponse<{ a: string }>('x.csv', ['a'], rows());
    await expect(read(sut.toStream())).rejects.toThrow('database went away');
  });

  it('fails when opened, before any output, when the rows fail at once (so the route answers as its JSON form)', async () => {
    async function* rows(): AsyncGenerator<{ a: string }> {
      throw new Error('No location NOPE');
    }
    await expect(new CsvResponse<{ a: string }>('x.csv', ['a'], rows()).open()).rejects.toThrow('No location NOPE');
    async function* good() {
      yield { a: 'one' };
      yield { a: 'two' };
    }
    expect(await read(await new CsvResponse<{ a: string }>('x.csv', ['a'], good()).open())).toBe('a\none\ntwo\n');
  });
});
