import { firstLine, withoutTerminalControls, withoutTerminalControlsDeep } from '../../src/core/text.js';
import { withMaskedCredentials } from '../../src/core/urls.js';

describe('withoutTerminalControls', () => {
  it('removes escape sequences introducers, BEL and C1 controls but keeps tabs and line breaks', () => {
    expect(withoutTerminalControls('\u001b[31mred\u001b[0m\u0007 a\tb\r\nc\rd\u009be')).toBe('[31mred[0m a\tb\nc\nde');
  });

  it('cleans every string of plain data, keys included, and leaves other values alone', () => {
    expect(withoutTerminalControlsDeep({ 'k\u001b': ['a\u0007', 3, null, { b: 'x\u001by' }], n: 1 })).toEqual({
      k: ['a', 3, null, { b: 'xy' }],
      n: 1,
    });
  });
});

describe('withMaskedCredentials', () => {
  it('masks the user and password of a URL, whatever its scheme', () => {
    expect(withMaskedCredentials('smpt://mailer:PASS@mail.internal:25')).toBe('smpt://***@mail.internal:25');
  });

  it('masks a password containing / and @ whole, and text without a scheme', () => {
    expect(withMaskedCredentials('smtp://u:p/a@ss@mail:25/x')).toBe('smtp://***@mail:25/x');
    expect(withMaskedCredentials('u:PASS@mail:25')).toBe('***@mail:25');
  });

  it('leaves text without user information as it is', () => {
    expect(withMaskedCredentials('http://mail:25')).toBe('http://mail:25');
  });
});

describe('firstLine', () => {
  it('keeps the first line of a parser message, without its trailing colon', () => {
    expect(firstLine('bad indentation at line 9, column 39:\n\n  9 | token: x\n')).toBe(
      'bad indentation at line 9, column 39',
    );
  });
});
