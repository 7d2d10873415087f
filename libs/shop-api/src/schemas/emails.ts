import { Type, type Static } from 'typebox';

export const ListEmailsQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Mails per page.' })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: 'The `nextCursor` of the previous page; empty or absent for the first.',
    }),
  ),
});

export const EmailSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    subject: Type.String(),
    template: Type.String({ description: 'What the mail is, e.g. `welcome` or `order-confirmed`.' }),
    sentAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A mail the shop sent.' },
);
export type EmailJson = Static<typeof EmailSchema>;

export const EmailPageSchema = Type.Object(
  {
    items: Type.Array(EmailSchema, { description: 'Newest first.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { description: 'One page of the mails sent to the caller.' },
);
