import { MAIL_CATCHER_PORTS } from './apps';
import { startMailCatcher, type MailCatcher } from './infrastructure';
import type { StackOptions } from './start-stack';
import { abortable } from './start-waits';
import type { StackRun } from './stack-run';

/** The mail catcher's ports, unless an SMTP server was given (see planPorts). */
export type StackMailPorts = { smtp: number; web: number } | undefined;

/** Where the shop's mail goes, whichever architecture: the SMTP server given, or the mail catcher. */
export async function startStackMail(
  options: Pick<StackOptions, 'smtpUrl' | 'signal'>,
  run: StackRun,
  ports: StackMailPorts,
): Promise<MailCatcher> {
  const mail = await abortable(
    startMailCatcher(options.smtpUrl, ports ?? MAIL_CATCHER_PORTS),
    options.signal,
  );
  run.addInfrastructure('mail catcher', mail);
  return mail;
}
