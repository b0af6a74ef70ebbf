import { emailAddress, receiverOfEmail } from './channel-addresses';

describe('e-mail addresses of receivers', () => {
  it.each([
    ['team-a', 'team-a@promstack.local'],
    ['shop_pager', 'shop_pager@promstack.local'],
    ['team a', 'team=20a@promstack.local'],
    ['ops.oncall', 'ops=2Eoncall@promstack.local'],
    ['a=b', 'a=3Db@promstack.local'],
    ['équipe', '=C3=A9quipe@promstack.local'],
  ])('%j ↔ %s', (receiver, address) => {
    expect(emailAddress(receiver)).toBe(address);
    expect(receiverOfEmail(address)).toBe(receiver);
  });

  it.each([
    'team-a@example.org',
    'promstack.local',
    '@promstack.local',
    'a.b@promstack.local',
    'a=4@promstack.local',
  ])('%s names no receiver', (address) => {
    expect(receiverOfEmail(address)).toBeUndefined();
  });

  it('reads the domain case-insensitively, as mail does', () => {
    expect(receiverOfEmail('team-a@Promstack.Local')).toBe('team-a');
  });
});
