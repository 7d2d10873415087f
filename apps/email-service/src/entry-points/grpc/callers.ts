import { emailV1 } from '@shop/contracts';
import { callersOf } from '@shop/service-identity';

/** Who may call what, by workload identity: the mails sent are listed for the gateway. */
export const emailCallers = [
  callersOf(emailV1.EmailServiceService, {
    listEmails: ['gateway'],
  }),
];
