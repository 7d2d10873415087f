/**
 * The native stack's mail catcher, run as the stack runs it: it takes mail over SMTP and shows it in its
 * web UI, as the README promises, and it stops when asked.
 */
import { createTransport } from 'nodemailer';
import { freePort } from '@shop/testing';
import { startMailCatcher, type MailCatcher } from '../src/infrastructure';

describe('the mail catcher', () => {
  let catcher: MailCatcher;

  beforeAll(async () => {
    catcher = await startMailCatcher(undefined, { smtp: await freePort(), web: await freePort() });
  });

  afterAll(() => catcher.stop());

  it('shows what it was sent, newest first, with the HTML part sandboxed and the message as received', async () => {
    const transport = createTransport(catcher.smtpUrl);
    await transport.sendMail({
      from: 'Shop <shop@example.com>',
      to: 'ada@example.com',
      subject: 'Welcome, Ada',
      text: 'Welcome!',
      html: '<p>Welcome, <b>Ada</b></p><script>alert(1)</script>',
    });
    await transport.sendMail({
      from: 'shop@example.com',
      to: 'bob@example.com',
      subject: 'Ça va',
      text: 'Plain',
    });

    const list = (await (await fetch(`${catcher.webUrl}/api/messages`)).json()) as {
      id: number;
      to: string;
      subject: string;
    }[];
    expect(list.map(({ to, subject }) => ({ to, subject }))).toEqual([
      { to: 'bob@example.com', subject: 'Ça va' },
      { to: 'ada@example.com', subject: 'Welcome, Ada' },
    ]);

    const index = await (await fetch(`${catcher.webUrl}/`)).text();
    expect(index).toContain('Welcome, Ada');
    expect(index.indexOf('Ça va')).toBeLessThan(index.indexOf('Welcome, Ada'));

    const ada = list[1] as { id: number };
    const page = await (await fetch(`${catcher.webUrl}/messages/${ada.id}`)).text();
    // Shown in a frame without scripts, its markup escaped into the attribute.
    expect(page).toContain('<iframe sandbox srcdoc="&lt;p&gt;Welcome, &lt;b&gt;Ada&lt;/b&gt;');
    expect(page).not.toContain('<script>');
    const bob = list[0] as { id: number };
    expect(await (await fetch(`${catcher.webUrl}/messages/${bob.id}`)).text()).toContain('<pre>Plain');

    const raw = await fetch(`${catcher.webUrl}/messages/${ada.id}.eml`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toMatch(/^Subject: Welcome, Ada$/m);
    expect((await fetch(`${catcher.webUrl}/messages/999`)).status).toBe(404);
  });

  it('stops on SIGTERM, by itself', async () => {
    const other = await startMailCatcher(undefined, { smtp: await freePort(), web: await freePort() });
    const started = Date.now();
    await other.stop();
    // Well before the stop's escalation to SIGKILL (5 s).
    expect(Date.now() - started).toBeLessThan(4_000);
    await expect(fetch(`${other.webUrl}/`)).rejects.toThrow();
  });
});
