import nodemailer from 'nodemailer';
import type { OutgoingMessage, Transport } from './transport.js';

/** Email over SMTP (`smtp://user:pass@host:port`, or `smtps://` for implicit TLS). */
export function createSmtpTransport(url: string, from: string): Transport {
  const mailer = nodemailer.createTransport(url);
  return {
    async send(message: OutgoingMessage) {
      await mailer.sendMail({
        from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.body,
      });
    },
    async close() {
      mailer.close();
    },
  };
}
